// `moat db update`: fetches osv.dev's per-ecosystem `all.zip` exports (or a bank's mirror of
// them) with ETag / If-Modified-Since, then loads every changed export in one transaction.
// Records whose `modified` date is not newer than the stored copy are left alone.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AdvisoryError } from './errors.js';
import { loadItems, type ImportResult } from './import.js';
import type { AdvisoryStore } from './store.js';
import { recordLimits } from './parse.js';
import { readZip } from './zip.js';

export const defaultSource = 'https://osv-vulnerabilities.storage.googleapis.com';
export const defaultEcosystems = ['Debian', 'Ubuntu', 'Alpine', 'npm', 'PyPI', 'Go', 'Maven'];

export interface UpdateOptions {
  baseUrl: string;
  ecosystems: string[];
  /** Directory for downloads (inside the cache dir, so renames stay on one file system). */
  workDir: string;
  fetch: typeof globalThis.fetch;
  now: () => Date;
  /** Largest export accepted, in bytes. */
  maxBytes: number;
}

export interface EcosystemUpdate {
  ecosystem: string;
  status: 'updated' | 'not-modified';
  result?: ImportResult;
}

interface Download {
  ecosystem: string;
  url: string;
  file: string;
  etag?: string;
  lastModified?: string;
}

/**
 * Updates the store from the exports; nothing is loaded unless every download succeeded.
 * @throws AdvisoryError `FETCH_FAILED`, `TRUNCATED_DOWNLOAD`, `CORRUPT_ARCHIVE`;
 * StoreError `DB_LOCKED`.
 */
export async function updateAdvisories(
  store: AdvisoryStore,
  options: UpdateOptions,
): Promise<EcosystemUpdate[]> {
  await mkdir(options.workDir, { recursive: true, mode: 0o700 });
  const known = new Map(store.status().sources.map((s) => [s.name, s]));
  const downloads: Download[] = [];
  const outcome: EcosystemUpdate[] = [];

  try {
    for (const ecosystem of options.ecosystems) {
      const previous = known.get(sourceName(ecosystem));
      const download = await fetchExport(ecosystem, previous, options);
      if (download === undefined) {
        outcome.push({ ecosystem, status: 'not-modified' });
      } else {
        downloads.push(download);
      }
    }

    await store.write(async (writer) => {
      for (const d of downloads) {
        const result = await loadItems(writer, readZip(d.file, recordLimits.maxBytes), {
          source: sourceName(d.ecosystem), url: d.url, etag: d.etag,
          lastModified: d.lastModified, now: options.now,
        });
        outcome.push({ ecosystem: d.ecosystem, status: 'updated', result });
      }
    });
    return outcome;
  } finally {
    await Promise.all(downloads.map((d) => rm(d.file, { force: true })));
  }
}

function sourceName(ecosystem: string): string {
  return `osv:${ecosystem}`;
}

async function fetchExport(
  ecosystem: string,
  previous: { etag?: string; lastModified?: string } | undefined,
  options: UpdateOptions,
): Promise<Download | undefined> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(ecosystem)}/all.zip`;
  const headers: Record<string, string> = {};
  if (previous?.etag !== undefined) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified !== undefined) headers['if-modified-since'] = previous.lastModified;

  let response: Response;
  try {
    response = await options.fetch(url, { headers, redirect: 'follow' });
  } catch (cause) {
    throw new AdvisoryError('FETCH_FAILED', `cannot reach ${url}: check the network or use `
      + '--source with a reachable mirror', { cause });
  }

  if (response.status === 304) {
    return undefined;
  }

  if (response.status !== 200 || response.body === null) {
    throw new AdvisoryError('FETCH_FAILED', `${url} answered HTTP ${response.status}: check `
      + 'the mirror URL and the ecosystem name');
  }

  const file = join(options.workDir, `.download-${randomBytes(6).toString('hex')}.zip`);
  await saveBody(response, url, file, options.maxBytes);
  return {
    ecosystem, url, file,
    ...optional('etag', response.headers.get('etag')),
    ...optional('lastModified', response.headers.get('last-modified')),
  };
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value === null ? {} : ({ [key]: value } as Record<K, string>);
}

async function saveBody(response: Response, url: string, file: string, maxBytes: number):
  Promise<void> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    throw new AdvisoryError('FETCH_FAILED',
      `${url} is ${declared} bytes, over the ${maxBytes} limit: raise --max-download`);
  }

  let received = 0;
  const body = Readable.fromWeb(response.body as WebReadableStream);
  body.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes) {
      body.destroy(new Error(`over the ${maxBytes} byte limit`));
    }
  });

  try {
    await pipeline(body, createWriteStream(file, { mode: 0o600 }));
  } catch (cause) {
    await rm(file, { force: true });
    throw new AdvisoryError('TRUNCATED_DOWNLOAD', `the download of ${url} broke off after `
      + `${received} bytes: run \`moat db update\` again`, { cause });
  }

  if (Number.isFinite(declared) && received !== declared) {
    await rm(file, { force: true });
    throw new AdvisoryError('TRUNCATED_DOWNLOAD', `the download of ${url} stopped at ${received} `
      + `of ${declared} bytes: run \`moat db update\` again`);
  }
}
