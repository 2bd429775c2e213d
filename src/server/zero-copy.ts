// Serves a file's bytes as an HTTP response body with sendfile(2), through the optional native
// addon in native/sendfile (built by `npm ci` where a C compiler and Node's headers exist).
// Blob GETs of large layers are most of a registry's traffic, and streaming them through
// JavaScript costs two copies of every byte plus a partial socket write each time a slow
// client reads; sendfile costs neither. Where the addon is missing, or the connection is not
// a plain TCP socket, `canSendFile` says so and the caller streams as before.
import type { FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface Addon {
  startSendFile(socketFd: number, fileFd: number, offset: number, length: number,
    idleMs: number): { done: Promise<number>; cancel(): void };
}

/** Bodies smaller than this stream as usual: a thread is not worth it for a manifest. */
export const ZERO_COPY_MIN_BYTES = 256 * 1024;
/** Transfers at once; beyond it, bodies stream through the event loop instead. */
const MAX_CONCURRENT = 64;
/** A client that takes nothing for this long loses its connection, as an idle socket would. */
const IDLE_MS = 5 * 60 * 1000;

let addon: Addon | null | undefined;
let active = 0;

/** The addon, or undefined when it is not built or `MOAT_SENDFILE=off` turns it off. */
export function zeroCopyAddon(): Addon | undefined {
  if (addon === undefined) {
    addon = null;
    if (process.platform === 'linux' && process.env.MOAT_SENDFILE !== 'off') {
      try {
        addon = createRequire(import.meta.url)('moat-sendfile') as Addon;
      } catch {
        // Not built on this machine (no compiler or headers at install): stream instead.
      }
    }
  }

  return addon ?? undefined;
}

/** Transfers running now (for tests and the health of the slot count). */
export function activeZeroCopyTransfers(): number {
  return active;
}

/** The kernel descriptor of a plain TCP socket; undefined for TLS or anything else. */
function tcpDescriptor(socket: Socket | null): number | undefined {
  if (socket === null || 'encrypted' in socket || socket.destroyed) {
    return undefined;
  }

  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * Whether `sendFileBody` can serve this response: the addon is built, the connection is plain
 * TCP, the head is not written yet and a transfer slot is free.
 */
export function canSendFile(response: ServerResponse): boolean {
  return zeroCopyAddon() !== undefined && tcpDescriptor(response.socket) !== undefined &&
    !response.headersSent && active < MAX_CONCURRENT;
}

/**
 * Writes `status` and `headers`, then `length` bytes of the open file from `offset`, straight
 * from the page cache into the response's socket, ends the response and closes the file. Call
 * it once `canSendFile` said yes, with the response taken away from its framework (fastify's
 * `reply.hijack()`) and a Content-Length among the headers. On failure the connection is
 * dropped (the client sees a short body) and the error returned, for the log.
 */
export async function sendFileBody(response: ServerResponse, handle: FileHandle,
  offset: number, length: number, status: number,
  headers: Record<string, string | number | string[]>): Promise<Error | undefined> {
  const socket = response.socket;
  const native = zeroCopyAddon();
  const fd = tcpDescriptor(socket);
  if (native === undefined || socket === null || fd === undefined) {
    // The connection went away since `canSendFile` (the caller awaited the open meanwhile).
    socket?.destroy();
    await handle.close();
    return new Error('the connection closed before the body could be sent');
  }

  active += 1;
  const timeout = socket.timeout ?? 0;
  try {
    response.writeHead(status, headers);
    // Writing nothing flushes the head; its callback runs once the kernel has every byte,
    // so the body cannot overtake it.
    await new Promise<void>((resolve, reject) =>
      response.write('', (err) => (err ? reject(err) : resolve())));
    if (socket.writableLength !== 0 || socket.destroyed) {
      throw new Error('the response head is still queued in the socket');
    }

    // Node sees no traffic while the addon writes: its idle timer must not close the socket.
    socket.setTimeout(0);
    const transfer = native.startSendFile(fd, handle.fd, offset, length, IDLE_MS);
    // The addon's copy of the descriptor outlives Node's: when Node closes the connection
    // (server shutdown, an error), the transfer must stop too.
    const stop = () => transfer.cancel();
    socket.once('close', stop);
    try {
      await transfer.done;
    } finally {
      socket.off('close', stop);
    }

    socket.setTimeout(timeout);
    response.end();
    return undefined;
  } catch (err) {
    socket.destroy();
    return err as Error;
  } finally {
    active -= 1;
    await handle.close();
  }
}
