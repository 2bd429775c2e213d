import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdvisoryStore } from '../store/sqlite/advisory-store.js';
import { makeTempDir } from '../testing/requirements.js';
import { importAdvisories } from './import.js';
import { readInputs } from './inputs.js';
import type { AdvisoryStore } from './store.js';

const vulndata = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'vulndata');
const now = (): Date => new Date('2026-12-03T12:00:00Z');

describe.skipIf(!existsSync(vulndata))('importAdvisories with the real OSV data', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let store: AdvisoryStore;

  beforeAll(async () => {
    temp = await makeTempDir('import');
    store = openAdvisoryStore(join(temp.dir, 'advisories.db'), 'write');
  });

  afterAll(async () => {
    store.close();
    await temp.cleanup();
  });

  it('loads all of Debian 12 in one transaction and indexes source packages', async () => {
    const result = await importAdvisories(store,
      readInputs([join(vulndata, 'debian-12.jsonl')]), { source: 'debian', now });

    expect(result).toMatchObject({ imported: 31_332, skipped: 0, unchanged: 0 });
    expect(store.affectedFor('Debian:12', 'glibc').map((r) => r.advisoryId))
      .toContain('CVE-2023-4911');
    const status = store.status();
    expect(status.totalRecords).toBe(31_332);
    expect(status.sources).toEqual([{ name: 'debian', records: 31_332,
      updatedAt: '2026-12-03T12:00:00.000Z' }]);
  });

  it('keeps stored copies of unchanged records and skips invalid ids', async () => {
    const result = await importAdvisories(store,
      readInputs([join(vulndata, 'alpine.jsonl'), join(vulndata, 'debian-12.jsonl')]),
      { source: 'mixed', now });

    // secdb's free-text fixes ("(not", "CVE-????-?????") became ids like `ALPINE-(not`.
    expect(result).toMatchObject({ imported: 7_901, unchanged: 31_332, skipped: 35 });
    expect(new Set(result.skipReasons.map((r) => r.reason)))
      .toEqual(new Set(['missing or invalid id']));
    expect(store.status().ecosystems.find((e) => e.ecosystem === 'Alpine:v3.19')?.records)
      .toBeGreaterThan(100);
  });

  it('skips malformed and oversized records with a count and keeps the rest', async () => {
    const file = join(temp.dir, 'mixed.jsonl');
    const good = '{"id":"TEST-1","modified":"2025-01-01T00:00:00Z","affected":[]}';
    await writeFile(file, [
      good,
      '{not json',
      '{"id":"TEST-2"}',
      '{"id":"../etc","modified":"2025-01-01T00:00:00Z"}',
      '{"id":"TEST-3","modified":"2025-01-01T00:00:00Z","affected":[{"ranges":[{"type":"X"}]}]}',
      `{"id":"TEST-4","modified":"2025-01-01T00:00:00Z","details":"${'x'.repeat(5_000_000)}"}`,
      '',
    ].join('\n'));

    const result = await importAdvisories(store, readInputs([file]), { source: 'test', now });
    expect(result).toMatchObject({ imported: 1, skipped: 5 });
    expect(result.skipReasons.map((r) => r.origin))
      .toEqual([2, 3, 4, 5, 6].map((n) => `${file}:${n}`));
  });

  it('keeps records of ecosystems Moat cannot match yet, and lists them in status', async () => {
    const file = join(temp.dir, 'other.json');
    await writeFile(file, JSON.stringify({
      id: 'RUSTSEC-2099-0001', modified: '2025-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'crates.io', name: 'hyper' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] }] }));

    const result = await importAdvisories(store, readInputs([file]), { source: 'test', now });
    expect(result).toMatchObject({ imported: 1, skipped: 0 });
    expect(store.status().ecosystems).toContainEqual({ ecosystem: 'crates.io', records: 1 });
  });
});
