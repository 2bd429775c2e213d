// Reads reply bodies with a byte limit and an idle deadline, so a huge or stalled reply from
// a hostile registry stops with a clear error instead of filling memory or hanging.
import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { MoatError } from '../../errors.js';
import { ImageError } from '../errors.js';
import { RegistryError, redactUrl } from './errors.js';
import type { TransportResponse } from './transport.js';

/**
 * Reads a whole body of at most `maxBytes`.
 * @throws ImageError `LIMIT_EXCEEDED`; RegistryError `NETWORK_ERROR` on a stall or reset.
 */
export async function readLimited(
  reply: TransportResponse,
  maxBytes: number,
  what: string,
): Promise<Buffer> {
  const declared = Number(reply.response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    const err = tooLarge(what, maxBytes);
    reply.abort(err);
    await reply.response.body?.cancel().catch(() => undefined);
    throw err;
  }

  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of openBody(reply)) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      const err = tooLarge(what, maxBytes);
      reply.abort(err);
      throw err;
    }

    chunks.push(chunk as Buffer);
  }

  return Buffer.concat(chunks);
}

/** Reads at most `maxBytes` of a body, for error replies whose excess is not interesting. */
export async function readHead(reply: TransportResponse, maxBytes: number): Promise<Buffer> {
  try {
    return await readLimited(reply, maxBytes, 'error reply');
  } catch {
    return Buffer.alloc(0);
  }
}

/**
 * The body as a Node stream that fails with `NETWORK_ERROR` when no byte arrives for the
 * transport's timeout, or when the connection drops.
 */
export function openBody(reply: TransportResponse): Readable {
  const { response } = reply;
  if (response.body === null) {
    return Readable.from([]);
  }

  const source = Readable.fromWeb(response.body as WebReadableStream);
  let timer: NodeJS.Timeout | undefined;
  const through = new PassThrough();
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const err = new RegistryError(
        'NETWORK_ERROR',
        `${redactUrl(reply.url)} stalled: no data for ${reply.timeoutMs} ms; try again`,
      );
      reply.abort(err);
      through.destroy(err);
    }, reply.timeoutMs);
  };

  // The deadline runs only while the consumer wants data: a paused (back-pressured) source
  // is not a stalled registry.
  source.on('data', arm);
  source.on('pause', () => clearTimeout(timer));
  source.on('resume', arm);
  source.on('end', () => clearTimeout(timer));
  source.on('error', (err) => through.destroy(bodyError(reply, err)));
  through.on('close', () => {
    clearTimeout(timer);
    source.destroy();
  });
  source.pipe(through);
  return through;
}

// undici reports a dropped connection as a bare `TypeError: terminated`.
function bodyError(reply: TransportResponse, err: Error): Error {
  if (err instanceof MoatError) {
    return err;
  }

  return new RegistryError(
    'NETWORK_ERROR',
    `the connection to ${redactUrl(reply.url)} broke while reading the reply (${err.message}); ` +
      'try again',
    { cause: err },
  );
}

function tooLarge(what: string, maxBytes: number): ImageError {
  return new ImageError(
    'LIMIT_EXCEEDED',
    `${what} is larger than the ${maxBytes}-byte limit; the registry sent something that is ` +
      'not an image document, or the limit must be raised',
  );
}
