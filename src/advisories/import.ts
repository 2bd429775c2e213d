// Loads record texts into the store in one write transaction: a bad record is skipped and
// counted, a broken input (corrupt archive, unreadable file) stops the import and rolls back.
import type { InputItem } from './inputs.js';
import { parseOsvRecord } from './parse.js';
import type { AdvisoryStore, AdvisoryWriter } from './store.js';

export interface ImportResult {
  /** Records added or replaced. */
  imported: number;
  /** Records already stored in the same or a newer version. */
  unchanged: number;
  skipped: number;
  /** The first few skip reasons, with where they came from. */
  skipReasons: { origin: string; reason: string }[];
}

export interface ImportOptions {
  /** Source name recorded with each record and in `moat db status`. */
  source: string;
  url?: string;
  etag?: string;
  lastModified?: string;
  now: () => Date;
}

const keptReasons = 20;

/**
 * Imports every item into `store` atomically.
 * @throws AdvisoryError from the inputs (the store is left as it was), StoreError `DB_LOCKED`.
 */
export async function importAdvisories(
  store: AdvisoryStore,
  items: AsyncIterable<InputItem>,
  options: ImportOptions,
): Promise<ImportResult> {
  return store.write((writer) => loadItems(writer, items, options));
}

/** Loads items through an open writer; the caller owns the transaction. */
export async function loadItems(
  writer: AdvisoryWriter,
  items: AsyncIterable<InputItem>,
  options: ImportOptions,
): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, unchanged: 0, skipped: 0, skipReasons: [] };
  const skip = (origin: string, reason: string): void => {
    result.skipped += 1;
    if (result.skipReasons.length < keptReasons) {
      result.skipReasons.push({ origin, reason });
    }
  };

  for await (const item of items) {
    if (item.kind === 'skip') {
      skip(item.origin, item.reason);
      continue;
    }

    const outcome = parseOsvRecord(item.text);
    if ('skipped' in outcome) {
      skip(item.origin, outcome.skipped);
      continue;
    }

    if (writer.put(outcome.record, options.source)) {
      result.imported += 1;
    } else {
      result.unchanged += 1;
    }
  }

  writer.setSource({
    name: options.source,
    updatedAt: options.now().toISOString(),
    ...(options.url === undefined ? {} : { url: options.url }),
    ...(options.etag === undefined ? {} : { etag: options.etag }),
    ...(options.lastModified === undefined ? {} : { lastModified: options.lastModified }),
  });
  return result;
}
