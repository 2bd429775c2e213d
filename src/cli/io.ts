// The CLI's window on the outside world, passed to every command so tests can drive them.
import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
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
