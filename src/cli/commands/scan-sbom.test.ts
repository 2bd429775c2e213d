import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../inventory/model.js';
import { formatJson } from '../../report/json.js';
import { makeTempDir } from '../../testing/requirements.js';
import { main } from '../main.js';

const vulndata = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'vulndata');
const layer = { index: 0, digest: `sha256:${'e'.repeat(64)}`, createdBy: 'COPY . /app' };
const inventory: Inventory = {
  image: { reference: 'dir:/app', transport: 'dir', layers: [layer] },
  packages: [
    { name: 'lodash', version: '4.17.15', type: 'npm', ecosystem: 'npm',
      purl: 'pkg:npm/lodash@4.17.15',
      licenses: [], locations: [{ path: '/app/node_modules/lodash/package.json', layer }], layer },
    { name: 'minimist', version: '0.0.8', type: 'npm', ecosystem: 'npm',
      purl: 'pkg:npm/minimist@0.0.8', licenses: [],
      locations: [{ path: '/app/node_modules/minimist/package.json', layer }], layer },
  ],
  warnings: [],
};

async function moat(args: string[]):
  Promise<{ code: number; stdout: string; stderr: string; logs: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const err: Buffer[] = [];
  stderr.on('data', (c: Buffer) => err.push(c));
  const logStream = new PassThrough();
  const out: Buffer[] = [];
  const logs: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  logStream.on('data', (c: Buffer) => logs.push(c));
  const code = await main(args, { stdin: new PassThrough(), stdout, stderr,
    env: {}, log: pino({ level: 'warn' }, logStream) });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(),
    logs: Buffer.concat(logs).toString() };
}

// JSON that is not VEX: a wrong input whose path always exists.
const notVex = resolve(import.meta.dirname, '..', '..', '..', 'package.json');

describe.skipIf(!existsSync(vulndata))('moat scan --sbom', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let sbom: string;
  let cache: string;

  beforeAll(async () => {
    temp = await makeTempDir('scan-sbom');
    sbom = join(temp.dir, 'app.moat.json');
    cache = join(temp.dir, 'cache');
    await writeFile(sbom, formatJson(inventory));
    const subset = join(temp.dir, 'npm-subset.jsonl');
    await writeFile(subset, readFileSync(join(vulndata, 'npm.jsonl'), 'utf8').split('\n')
      .filter((l) => l.includes('"name":"lodash"') || l.includes('"name":"minimist"')).join('\n'));
    expect((await moat(['db', 'import', subset, '--cache-dir', cache])).code).toBe(0);
  });

  afterAll(() => temp.cleanup());

  it.each([
    [['--fail-on', 'critical'], 1],
    [['--fail-on', 'critical', '--severity', 'high,medium'], 0],
    [['--fail-on', 'high', '--ignore-unfixed'], 1],
    [[], 0],
  ])('with %j exits %i', async (flags, code) => {
    const run = await moat(['scan', '--sbom', sbom, '--cache-dir', cache, ...flags]);
    expect(run.code).toBe(code);
    expect(run.stdout).toMatch(/^\/app\/node_modules — /m);
  });

  it('warns when the database is older than --max-db-age, and not otherwise', async () => {
    const stale = await moat(['scan', '--sbom', sbom, '--cache-dir', cache, '--max-db-age', '0s']);
    expect(stale.logs).toContain('advisory database is stale');
    const fresh = await moat(['scan', '--sbom', sbom, '--cache-dir', cache]);
    expect(fresh.logs).not.toContain('stale');
  });

  it.each(['sarif', 'cyclonedx', 'openvex', 'json'])('writes %s that parses', async (format) => {
    const run = await moat(['scan', '--sbom', sbom, '--cache-dir', cache, '--format', format]);
    expect(run.code).toBe(0);
    expect(() => JSON.parse(run.stdout) as unknown).not.toThrow();
  });

  it.each([
    [['--severity', 'severe'], 'use severities from'],
    [['--ignore-file', '/nonexistent/ignore.yaml'], 'UNREADABLE_INPUT'],
    [['--vex', notVex], 'BAD_VEX'],
  ])('exits 2 for bad input %j', async (flags, message) => {
    const run = await moat(['scan', '--sbom', sbom, '--cache-dir', cache, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('exits 2 when neither an image nor --sbom is given', async () => {
    expect((await moat(['scan', '--cache-dir', cache])).code).toBe(2);
  });
});
