import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdvisoryStore } from '../store/sqlite/advisory-store.js';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import type { AdvisoryStore } from './store.js';
import { updateAdvisories } from './update.js';

const vulndata = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'vulndata');
const ready = existsSync(vulndata) && skipReason('db update', { tools: ['zip'] }) === undefined;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe.skipIf(!ready)('updateAdvisories against a mirror on loopback', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let server: Server;
  let handler: Handler;
  let baseUrl: string;
  let store: AdvisoryStore;
  const seen: IncomingMessage['headers'][] = [];

  async function zipOf(name: string, lines: string[]): Promise<Buffer> {
    const records = join(temp.dir, name);
    await mkdir(records);
    for (const line of lines) {
      await writeFile(join(records, `${(JSON.parse(line) as { id: string }).id}.json`), line);
    }

    expect(spawnSync('zip', ['-q', '-r', `../${name}.zip`, '.'], { cwd: records }).status).toBe(0);
    return readFile(join(temp.dir, `${name}.zip`));
  }

  const update = () => updateAdvisories(store, {
    baseUrl, ecosystems: ['npm'], workDir: join(temp.dir, 'downloads'), fetch: globalThis.fetch,
    now: () => new Date('2026-12-03T12:00:00Z'), maxBytes: 64 * 1024 * 1024,
  });

  beforeAll(async () => {
    temp = await makeTempDir('update');
    store = openAdvisoryStore(join(temp.dir, 'advisories.db'), 'write');
    server = createServer((req, res) => {
      seen.push(req.headers);
      handler(req, res);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    store.close();
    await new Promise((done) => server.close(done));
    await temp.cleanup();
  });

  it('downloads the export, then asks only for changes (ETag, If-Modified-Since)', async () => {
    const lines = readFileSync(join(vulndata, 'npm.jsonl'), 'utf8').split('\n').slice(0, 100);
    const first = await zipOf('v1', lines);
    const serve = (body: Buffer, etag: string): Handler => (req, res) => {
      if (req.url !== '/npm/all.zip') {
        res.writeHead(404).end();
      } else if (req.headers['if-none-match'] === etag) {
        res.writeHead(304).end();
      } else {
        res.writeHead(200, { etag, 'last-modified': 'Mon, 17 Feb 2025 18:06:00 GMT',
          'content-length': body.length }).end(body);
      }
    };

    handler = serve(first, '"v1"');
    expect(await update()).toMatchObject([{ ecosystem: 'npm', status: 'updated',
      result: { imported: 100, unchanged: 0, skipped: 0 } }]);
    expect(await update()).toEqual([{ ecosystem: 'npm', status: 'not-modified' }]);
    expect(seen.at(-1)).toMatchObject({ 'if-none-match': '"v1"',
      'if-modified-since': 'Mon, 17 Feb 2025 18:06:00 GMT' });

    const changed = JSON.parse(lines[0] ?? '{}') as { modified: string; summary: string };
    changed.modified = '2026-01-01T00:00:00Z';
    changed.summary = 'changed upstream';
    handler = serve(await zipOf('v2', [JSON.stringify(changed), ...lines.slice(1)]), '"v2"');
    expect(await update()).toMatchObject([{ status: 'updated',
      result: { imported: 1, unchanged: 99 } }]);
    expect(store.status().sources[0])
      .toMatchObject({ name: 'osv:npm', etag: '"v2"', records: 100 });
  });

  it('refuses a truncated download and keeps the database as it was', async () => {
    const before = store.status();
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': 100_000 });
      res.write(Buffer.alloc(1_000, 1));
      setTimeout(() => res.socket?.destroy(), 50);
    };

    await expect(update()).rejects.toMatchObject({ code: 'TRUNCATED_DOWNLOAD' });
    expect(store.status()).toEqual(before);
  });

  it('reports a mirror error with its HTTP status', async () => {
    handler = (_req, res) => res.writeHead(503).end();
    await expect(update()).rejects.toMatchObject({ code: 'FETCH_FAILED',
      message: expect.stringContaining('HTTP 503') });
  });
});
