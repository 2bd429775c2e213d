// Reads the files an audit was pointed at: files, directories (recursively, YAML and JSON
// only, symlinks not followed) and `-` for standard input. Every read is bounded; an unreadable
// or oversized input becomes an error note and the others are still read.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { AuditNote } from './finding.js';

export interface InputFile {
  file: string;
  text: string;
}

export interface InputLimits {
  maxBytes: number;
  maxFiles: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxBytes: 16 * 1024 * 1024, maxFiles: 20_000 };

const MANIFEST_NAME = /\.(ya?ml|json)$/i;

export async function readInputs(
  paths: string[],
  stdin: Readable,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Promise<{ inputs: InputFile[]; notes: AuditNote[] }> {
  const inputs: InputFile[] = [];
  const notes: AuditNote[] = [];
  const files: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      const text = await readBounded(stdin, limits.maxBytes);
      if (text === undefined) {
        notes.push({
          level: 'error',
          file: '-',
          message: `standard input is larger than ${limits.maxBytes} bytes`,
        });
      } else {
        inputs.push({ file: '-', text });
      }

      continue;
    }

    await collect(path, files, notes, limits, true);
  }

  for (const file of files) {
    const text = await readLimited(file, limits.maxBytes, notes);
    if (text !== undefined) {
      inputs.push({ file, text });
    }
  }

  return { inputs, notes };
}

async function collect(
  path: string,
  files: string[],
  notes: AuditNote[],
  limits: InputLimits,
  named: boolean,
): Promise<void> {
  if (files.length >= limits.maxFiles) {
    notes.push({
      level: 'error',
      file: path,
      message: `more than ${limits.maxFiles} files; the rest were not read`,
    });
    return;
  }

  let info;
  try {
    info = await lstat(path);
  } catch (err) {
    notes.push({
      level: 'error',
      file: path,
      message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    });
    return;
  }

  if (info.isDirectory()) {
    const names = (await readdir(path)).sort();
    for (const name of names) {
      await collect(join(path, name), files, notes, limits, false);
    }
  } else if (info.isFile() && (named || MANIFEST_NAME.test(path))) {
    files.push(path);
  } else if (named) {
    notes.push({ level: 'error', file: path, message: 'not a regular file or directory' });
  }
}

async function readLimited(
  file: string,
  maxBytes: number,
  notes: AuditNote[],
): Promise<string | undefined> {
  try {
    const info = await lstat(file);
    if (info.size > maxBytes) {
      notes.push({
        level: 'error',
        file,
        message: `file is larger than ${maxBytes} bytes; split it`,
      });
      return undefined;
    }

    return await readFile(file, 'utf8');
  } catch (err) {
    notes.push({
      level: 'error',
      file,
      message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    });
    return undefined;
  }
}

/** Reads a stream up to `maxBytes`; undefined when it is longer. */
export async function readBounded(stream: Readable, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buf.length;
    if (total > maxBytes) {
      stream.destroy();
      return undefined;
    }

    chunks.push(buf);
  }

  return Buffer.concat(chunks).toString('utf8');
}
