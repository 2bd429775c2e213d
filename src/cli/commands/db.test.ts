import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMoat } from '../../posture/testing/cli.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';

const vulndata = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'vulndata');
const npmLines = existsSync(vulndata)
  ? readFileSync(join(vulndata, 'npm.jsonl'), 'utf8').split('\n').filter((l) => l !== '')
  : [];

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('db-cli')));
afterAll(() => cleanup());

async function status(cacheDir: string): Promise<{ totalRecords: number }> {
  const run = await runMoat(['db', 'status', '--cache-dir', cacheDir, '--format', 'json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as { totalRecords: number };
}

/** Writes `count` real npm records as one-per-file JSON and zips them like osv.dev's all.zip. */
async function buildZip(name: string, lines: string[]): Promise<string> {
  const records = join(dir, `${name}-records`);
  await mkdir(records, { recursive: true });
  for (const line of lines) {
    const { id } = JSON.parse(line) as { id: string };
    await writeFile(join(records, `${id}.json`), line);
  }

  const zip = join(dir, `${name}.zip`);
  const result = spawnSync('zip', ['-q', '-r', zip, '.'], { cwd: records });
  expect(result.status).toBe(0);
  return zip;
}

describe.skipIf(npmLines.length === 0 || skipReason('db import from zip', { tools: ['zip'] }))(
  'moat db import', () => {
    it('loads an osv.dev-style zip and reports it in db status', async () => {
      const cache = join(dir, 'zip-cache');
      const zip = await buildZip('first', npmLines.slice(0, 300));

      const run = await runMoat(['db', 'import', zip, '--cache-dir', cache, '--source', 'npm']);
      expect(run).toMatchObject({ code: 0,
        stdout: 'imported 300 records, 0 unchanged, 0 skipped\n' });
      expect(await status(cache)).toMatchObject({
        totalRecords: 300, sources: [{ name: 'npm', records: 300 }],
        ecosystems: [{ ecosystem: 'npm', records: 300 }],
      });
    });

    it.each([
      ['a corrupt zip', (zip: Buffer) =>
        Buffer.from(zip.toString('hex').replace(/504b0102/g, '00000000'), 'hex')],
      ['a truncated zip', (zip: Buffer) => zip.subarray(0, Math.floor(zip.length / 2))],
      ['random bytes', () => Buffer.from('this is not a zip archive at all'.repeat(10))],
    ])('refuses %s with a clear error and leaves the database as it was', async (_name, spoil) => {
      const cache = join(dir, 'spoil-cache');
      const base = await buildZip('base', npmLines.slice(0, 10));
      await runMoat(['db', 'import', base, '--cache-dir', cache]);
      const bad = join(dir, 'bad.zip');
      await writeFile(bad, spoil(await readFile(await buildZip('more', npmLines.slice(10, 60)))));

      const run = await runMoat(['db', 'import', bad, '--cache-dir', cache]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/CORRUPT_ARCHIVE.*not a readable zip/);
      expect((await status(cache)).totalRecords).toBe(10);
    });
  });

describe.skipIf(npmLines.length === 0)('moat db export and signed bundles', () => {
  const keys = generateKeyPairSync('ed25519');
  const pem = {
    private: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    public: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    other: generateKeyPairSync('ed25519').publicKey
      .export({ type: 'spki', format: 'pem' }).toString(),
  };
  let bundle: string;
  const file = (name: string): string => join(dir, name);

  beforeAll(async () => {
    const source = file('export-cache');
    await writeFile(file('records.jsonl'), npmLines.slice(0, 200).join('\n'));
    await runMoat(['db', 'import', file('records.jsonl'), '--cache-dir', source]);
    await writeFile(file('signing.pem'), pem.private);
    await writeFile(file('signing.pub.pem'), pem.public);
    await writeFile(file('other.pub.pem'), pem.other);
    bundle = file('advisories.bundle');
    const run = await runMoat(['db', 'export', bundle, '--cache-dir', source,
      '--private-key', file('signing.pem')]);
    expect(run).toMatchObject({ code: 0, stdout: `wrote 200 records to ${bundle}\n` });
  });

  it('imports a bundle signed with the configured key', async () => {
    const cache = file('bundle-ok');
    const run = await runMoat(['db', 'import', bundle, '--cache-dir', cache,
      '--public-key', file('signing.pub.pem')]);
    expect(run.code).toBe(0);
    const header = JSON.parse((await readFile(bundle, 'utf8')).split('\n')[0] ?? '{}') as
      { created: string };
    expect(await status(cache)).toMatchObject({ totalRecords: 200,
      sources: [{ name: 'bundle', updatedAt: header.created }] });
  });

  async function spoiled(name: string, change: (text: Buffer) => Buffer): Promise<string> {
    const path = file(name);
    await writeFile(path, change(await readFile(bundle)));
    return path;
  }

  it.each([
    ['a tampered payload', 'BAD_SIGNATURE', (b: Buffer) => {
      const copy = Buffer.from(b);
      copy[copy.length - 100] = (copy[copy.length - 100] ?? 0) ^ 0xff;
      return copy;
    }, 'signing.pub.pem'],
    ['a truncated bundle', 'BAD_SIGNATURE', (b: Buffer) => b.subarray(0, b.length - 500),
      'signing.pub.pem'],
    ['a changed header', 'BAD_SIGNATURE',
      (b: Buffer) =>
        Buffer.from(b.toString('latin1').replace('"records":200', '"records":201'), 'latin1'),
      'signing.pub.pem'],
    ['an unsigned bundle', 'MISSING_SIGNATURE',
      (b: Buffer) =>
        Buffer.from(b.toString('latin1').replace(/,"signature":\{[^}]*\}/, ''), 'latin1'),
      'signing.pub.pem'],
    ['another signer', 'BAD_SIGNATURE', (b: Buffer) => b, 'other.pub.pem'],
  ])('refuses %s (%s) and leaves the database unchanged', async (name, code, change, key) => {
    const cache = file(`bundle-${name.replace(/\W/g, '-')}`);
    await writeFile(file('one.jsonl'), npmLines[500] ?? '');
    await runMoat(['db', 'import', file('one.jsonl'), '--cache-dir', cache]);

    const run = await runMoat(['db', 'import', await spoiled(`${name}.bundle`, change),
      '--cache-dir', cache, '--public-key', file(key)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(code);
    expect((await status(cache)).totalRecords).toBe(1);
  });

  it('refuses a bundle when no public key is configured', async () => {
    const run = await runMoat(['db', 'import', bundle, '--cache-dir', file('bundle-nokey')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('NO_PUBLIC_KEY');
  });
});

describe.skipIf(npmLines.length === 0 || skipReason('db update from a mirror', { tools: ['zip'] }))(
  'moat db update --source', () => {
    let server: Server;
    let base: string;
    let zip: Buffer;

    beforeAll(async () => {
      zip = await readFile(await buildZip('mirror', npmLines.slice(100, 150)));
      server = createServer((req, res) => {
        if (req.url !== '/npm/all.zip') {
          res.writeHead(404).end();
        } else if (req.headers['if-none-match'] === '"m1"') {
          res.writeHead(304).end();
        } else {
          res.writeHead(200, { etag: '"m1"', 'content-length': zip.length }).end(zip);
        }
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise((done) => server.close(done)));

    it('loads a mirror\'s export once, then finds it unchanged', async () => {
      const cache = join(dir, 'mirror-cache');
      const args = ['db', 'update', '--source', base, '--ecosystem', 'npm', '--cache-dir', cache];

      expect(await runMoat(args)).toMatchObject({ code: 0,
        stdout: 'npm: updated: 50 new or changed, 0 unchanged, 0 skipped\n' });
      expect(await runMoat(args)).toMatchObject({ code: 0, stdout: 'npm: not-modified\n' });
      expect(await status(cache)).toMatchObject({ totalRecords: 50,
        sources: [{ name: 'osv:npm', url: `${base}/npm/all.zip`, etag: '"m1"' }] });
    });

    it('exits 2 when the mirror does not have the ecosystem', async () => {
      const run = await runMoat(['db', 'update', '--source', base, '--ecosystem', 'Nope',
        '--cache-dir', join(dir, 'mirror-missing')]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/FETCH_FAILED.*HTTP 404/);
    });
  });
