// Expands the paths given to `moat db import` into a stream of record texts: single `.json`
// records, directories of them, `.jsonl` files (one record a line) and `.zip` archives.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AdvisoryError } from './errors.js';
import { splitLines } from './lines.js';
import { recordLimits } from './parse.js';
import { readZip } from './zip.js';

export type InputItem =
  | { kind: 'record'; origin: string; text: Buffer | string }
  | { kind: 'skip'; origin: string; reason: string };

/**
 * Yields every record text found under `paths`, in a stable order.
 * @throws AdvisoryError `UNREADABLE_INPUT` for a path that does not exist or has an unknown
 * kind, `CORRUPT_ARCHIVE` for an unreadable zip.
 */
export async function* readInputs(paths: string[]): AsyncIterable<InputItem> {
  for (const path of paths) {
    yield* readPath(path, true);
  }
}

async function* readPath(path: string, explicit: boolean): AsyncIterable<InputItem> {
  const info = await stat(path).catch((cause: unknown) => {
    throw new AdvisoryError('UNREADABLE_INPUT', `cannot read ${path}: check the path`, { cause });
  });

  if (info.isDirectory()) {
    const names = (await readdir(path)).sort();
    for (const name of names) {
      yield* readPath(join(path, name), false);
    }

    return;
  }

  if (path.endsWith('.zip')) {
    yield* readZip(path, recordLimits.maxBytes);
  } else if (path.endsWith('.jsonl')) {
    yield* readJsonLines(path);
  } else if (path.endsWith('.json')) {
    yield info.size > recordLimits.maxBytes
      ? { kind: 'skip', origin: path, reason: `file larger than ${recordLimits.maxBytes} bytes` }
      : { kind: 'record', origin: path, text: await readFile(path) };
  } else if (explicit) {
    throw new AdvisoryError('UNREADABLE_INPUT', `${path} is not a .json, .jsonl or .zip file `
      + 'or a directory of them');
  }
}

async function* readJsonLines(path: string): AsyncIterable<InputItem> {
  for await (const item of splitLines(createReadStream(path), recordLimits.maxBytes)) {
    const origin = `${path}:${item.number}`;
    yield 'line' in item
      ? { kind: 'record', origin, text: item.line }
      : { kind: 'skip', origin, reason: `line longer than ${recordLimits.maxBytes} bytes` };
  }
}
