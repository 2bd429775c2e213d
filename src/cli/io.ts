// The CLI's window on the outside world, passed to every command so tests can drive them.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { open, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';

export interface CliIo {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  log: Logger;
}

/** Colours and progress bars only when a person is watching and has not opted out. */
export function wantsColour(io: CliIo, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') {
    return false;
  }

  return io[stream].isTTY === true && io.env.TERM !== 'dumb';
}

/**
 * Writes a command's result to `--output FILE` atomically (temp file, rename), or to stdout.
 * A failed write leaves any previous file untouched. Devices and pipes (`/dev/null`, a FIFO)
 * are written in place: renaming over them would replace the device node.
 */
export async function writeResult(io: CliIo, text: string, output?: string): Promise<void> {
  if (output === undefined || output === '-') {
    io.stdout.write(text);
    return;
  }

  const existing = await stat(output).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) {
    if (existing.isDirectory()) {
      throw new UsageError(`--output ${output} is a directory; name a file`);
    }

    await writeFile(output, text);
    return;
  }

  const temp = join(dirname(output), `.${basename(output)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx', flush: true });
    await rename(temp, output);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

// Chunks are gathered up to this size before a write: one syscall per finding would be slow.
const WRITE_BATCH = 256 * 1024;

async function* batched(chunks: Iterable<string> | AsyncIterable<string>): AsyncGenerator<string> {
  let pending: string[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    // A chunk as big as a batch goes out as it is: joining would only copy it again.
    if (chunk.length >= WRITE_BATCH) {
      if (size > 0) {
        yield pending.join('');
        pending = [];
        size = 0;
      }

      yield chunk;
      continue;
    }

    pending.push(chunk);
    size += chunk.length;
    if (size >= WRITE_BATCH) {
      yield pending.join('');
      pending = [];
      size = 0;
    }
  }

  if (size > 0) {
    yield pending.join('');
  }
}

async function writeChunksTo(
  file: FileHandle,
  chunks: Iterable<string> | AsyncIterable<string>,
): Promise<void> {
  for await (const batch of batched(chunks)) {
    await file.write(batch);
  }
}

/**
 * `writeResult` for output too big to hold as one string: writes `chunks` as they come, to
 * stdout waiting for 'drain' when it is full, or to `--output FILE` through a synced temp file
 * renamed over FILE. Devices and pipes are written in place; a failure (also one thrown by
 * `chunks`) leaves any previous FILE untouched.
 * @throws UsageError when `output` is a directory; the error of the write or of `chunks`.
 */
export async function writeResultStream(
  io: CliIo,
  chunks: Iterable<string> | AsyncIterable<string>,
  output?: string,
): Promise<void> {
  if (output === undefined || output === '-') {
    for await (const batch of batched(chunks)) {
      if (!io.stdout.write(batch)) {
        await once(io.stdout, 'drain');
      }
    }

    return;
  }

  const existing = await stat(output).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) {
    if (existing.isDirectory()) {
      throw new UsageError(`--output ${output} is a directory; name a file`);
    }

    const device = await open(output, 'w');
    try {
      await writeChunksTo(device, chunks);
    } finally {
      await device.close();
    }

    return;
  }

  const temp = join(dirname(output), `.${basename(output)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx');
    try {
      await writeChunksTo(file, chunks);
      await file.sync();
    } finally {
      await file.close();
    }

    await rename(temp, output);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
