// Reads OSV records out of a zip such as osv.dev's per-ecosystem `all.zip` (one record per
// `*.json` entry). yauzl checks the central directory and each entry's declared sizes; Moat
// adds per-entry and entry-count limits so a crafted archive cannot exhaust memory.
import yauzl from 'yauzl';
import { AdvisoryError } from './errors.js';
import type { InputItem } from './inputs.js';

export const zipLimits = { maxEntries: 2_000_000, maxTotalBytes: 16 * 1024 ** 3 };

/**
 * Yields each `*.json` entry as a record text, or a skipped item when it is too large.
 * @throws AdvisoryError `CORRUPT_ARCHIVE` when the archive cannot be read.
 */
export async function* readZip(file: string, maxEntryBytes: number): AsyncIterable<InputItem> {
  const zip = await openZip(file);
  const waiter = watchErrors(zip, file);
  let total = 0;
  try {
    if (zip.entryCount > zipLimits.maxEntries) {
      throw corrupt(file, `it has ${zip.entryCount} entries, over ${zipLimits.maxEntries}`);
    }

    for (;;) {
      const entry = await nextEntry(zip, waiter);
      if (entry === undefined) {
        return;
      }

      const origin = `${file}!${entry.fileName}`;
      if (entry.fileName.endsWith('/') || !entry.fileName.endsWith('.json')) {
        continue;
      }

      if (entry.uncompressedSize > maxEntryBytes) {
        yield { kind: 'skip', origin, reason: `entry larger than ${maxEntryBytes} bytes` };
        continue;
      }

      total += entry.uncompressedSize;
      if (total > zipLimits.maxTotalBytes) {
        throw corrupt(file, `it unpacks to more than ${zipLimits.maxTotalBytes} bytes`);
      }

      yield { kind: 'record', origin, text: await readEntry(zip, entry, file) };
    }
  } finally {
    zip.close();
  }
}

function corrupt(file: string, reason: string, cause?: unknown): AdvisoryError {
  return new AdvisoryError('CORRUPT_ARCHIVE', `${file} is not a readable zip archive (${reason}): `
    + 'download it again', { cause });
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true },
      (err, zip) => (err === null && zip !== undefined
        ? resolve(zip)
        : reject(corrupt(file, describe(err), err))));
  });
}

interface ErrorWaiter {
  failure?: AdvisoryError;
  reject?: (err: AdvisoryError) => void;
}

// One permanent listener: yauzl may emit `error` at any time, and an emitter without an
// `error` listener would throw it out of the process.
function watchErrors(zip: yauzl.ZipFile, file: string): ErrorWaiter {
  const waiter: ErrorWaiter = {};
  zip.on('error', (err: unknown) => {
    waiter.failure = corrupt(file, describe(err), err);
    waiter.reject?.(waiter.failure);
  });
  return waiter;
}

function nextEntry(zip: yauzl.ZipFile, waiter: ErrorWaiter): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    if (waiter.failure !== undefined) {
      reject(waiter.failure);
      return;
    }

    const done = (): void => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      waiter.reject = undefined;
    };
    const onEntry = (entry: yauzl.Entry): void => { done(); resolve(entry); };
    const onEnd = (): void => { done(); resolve(undefined); };
    zip.once('entry', onEntry);
    zip.once('end', onEnd);
    waiter.reject = (err) => { done(); reject(err); };
    zip.readEntry();
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err !== null || stream === undefined) {
        reject(corrupt(file, describe(err), err));
        return;
      }

      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (cause) => reject(corrupt(file, `${entry.fileName}: ${describe(cause)}`,
        cause)));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : 'unknown error';
}
