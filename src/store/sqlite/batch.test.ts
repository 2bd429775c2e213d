import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAdvisories } from '../../advisories/import.js';
import { readInputs } from '../../advisories/inputs.js';
import type { AdvisoryReader, AdvisoryStore, AffectedRow } from '../../advisories/store.js';
import { benchInventory } from '../../bench/vuln-inventory.js';
import { matchInventory } from '../../match/match.js';
import { makeTempDir } from '../../testing/requirements.js';
import { getScheme } from '../../versions/registry.js';
import { openAdvisoryStore } from './advisory-store.js';
import { chunkSize } from './batch.js';

const vulndata = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'vulndata');
const files = ['debian-12', 'pypi', 'go', 'maven', 'npm']
  .map((name) => join(vulndata, `${name}.jsonl`));

const plain = (rows: readonly AffectedRow[]) =>
  rows.map((row) => ({ id: row.advisoryId, ecosystem: row.ecosystem, entry: row.entry }));

describe.skipIf(!existsSync(vulndata))('batch reads on the real OSV data', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let store: AdvisoryStore;

  beforeAll(async () => {
    temp = await makeTempDir('batch');
    store = openAdvisoryStore(join(temp.dir, 'advisories.db'), 'write');
    await importAdvisories(store, readInputs(files), { source: 'vulndata', now: () => new Date() });
  }, 120_000);

  afterAll(async () => {
    store.close();
    await temp.cleanup();
  });

  it.each(['Debian:12', 'PyPI', 'Go', 'Maven', 'npm'])(
    'answers every %s name exactly as the per-package read does',
    (ecosystem) => {
      const names = [...store.indexedNames(ecosystem), 'no-such-package-anywhere'];
      expect(names.length).toBeGreaterThan(chunkSize);

      const batch = store.affectedForNames(ecosystem, names);
      expect(batch.has('no-such-package-anywhere')).toBe(false);
      for (const name of names) {
        const single = store.affectedFor(ecosystem, name);
        const many = batch.get(name) ?? [];
        expect(plain(many)).toEqual(plain(single));
        const listed = single.flatMap((row) => row.entry.versions ?? []).slice(0, 1);
        for (const version of [...listed, '1.0.0', '2.36-9+deb12u4']) {
          expect(many.map((row) => row.listsVersion(version)))
            .toEqual(single.map((row) => row.listsVersion(version)));
        }
      }
    },
  );

  it('reads summaries of more ids than one chunk holds, leaving unknown ids out', () => {
    const ids = [...store.allRecords()].map(({ record }) => record.id).slice(0, chunkSize * 3);
    const summaries = store.getSummaries([...ids, 'CVE-0000-NOPE']);
    expect([...summaries.keys()].sort()).toEqual([...new Set(ids)].sort());
    for (const [id, summary] of summaries) {
      expect(summary.id).toBe(id);
    }
  });

  it('matches an inventory to the same findings as per-package reads', async () => {
    const inventory = await benchInventory(vulndata, 4_000);
    const perPackage: AdvisoryReader = {
      affectedFor: (e, n) => store.affectedFor(e, n),
      affectedForNames: (e, names) => new Map([...names].flatMap((n) => {
        const rows = store.affectedFor(e, n);
        return rows.length === 0 ? [] : [[n, rows] as const];
      })),
      indexedNames: (e) => store.indexedNames(e),
      getSummaries: (ids) => store.getSummaries(ids),
      allRecords: () => store.allRecords(),
      status: () => store.status(),
    };

    const batched = matchInventory(inventory, store, { schemeFor: getScheme });
    const single = matchInventory(inventory, perPackage, { schemeFor: getScheme });
    expect(batched.findings.length).toBeGreaterThan(1_000);
    expect(batched).toEqual(single);
  }, 60_000);
});
