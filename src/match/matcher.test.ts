import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAdvisories } from '../advisories/import.js';
import { readInputs } from '../advisories/inputs.js';
import type { OsvRecord } from '../advisories/osv.js';
import type { AdvisoryReader, AdvisoryStore } from '../advisories/store.js';
import { benchInventory } from '../bench/vuln-inventory.js';
import { parseDpkgStatus } from '../inventory/catalogers/dpkg/status.js';
import type { Inventory, Package } from '../inventory/model.js';
import { openAdvisoryStore } from '../store/sqlite/advisory-store.js';
import { makeTempDir } from '../testing/requirements.js';
import { getScheme } from '../versions/registry.js';
import { matchInventory } from './match.js';
import { AdvisoryMatcher } from './matcher.js';

const vulndata = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'vulndata');
const files = ['debian-12', 'alpine', 'npm', 'npm-malicious', 'pypi', 'go', 'maven']
  .map((name) => join(vulndata, `${name}.jsonl`));
const options = { schemeFor: getScheme };
const now = () => new Date();

function inventory(packages: Package[], os: Inventory['os']): Inventory {
  return { image: { reference: 'test', transport: 'dir', layers: [] }, os, packages, warnings: [] };
}

function npm(name: string, version: string): Package {
  return { name, version, type: 'npm', ecosystem: 'npm', purl: `pkg:npm/${name}@${version}`,
    licenses: [], locations: [{ path: `/app/node_modules/${name}/package.json` }] };
}

/** One package per npm record, at the first version its first range names. */
function npmPackages(lines: string[]): Package[] {
  const packages = new Map<string, Package>();
  for (const line of lines) {
    const entry = (JSON.parse(line) as OsvRecord).affected?.[0];
    const version = entry?.ranges?.[0]?.events
      .map((e) => e.fixed ?? e.introduced).find((v) => v !== undefined && v !== '0');
    if (entry?.package !== undefined && version !== undefined) {
      packages.set(entry.package.name, npm(entry.package.name, version));
    }
  }

  return [...packages.values()];
}

/** The store without its revision, as a reader that cannot say when it changes. */
function withoutRevision(store: AdvisoryReader): AdvisoryReader {
  return {
    affectedFor: (e, n) => store.affectedFor(e, n),
    affectedForNames: (e, names) => store.affectedForNames(e, names),
    indexedNames: (e) => store.indexedNames(e),
    getSummaries: (ids) => store.getSummaries(ids),
    allRecords: () => store.allRecords(),
    status: () => store.status(),
  };
}

describe.skipIf(!existsSync(vulndata))('AdvisoryMatcher on the real OSV data', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let store: AdvisoryStore;
  let bench: Inventory;

  beforeAll(async () => {
    temp = await makeTempDir('matcher');
    store = openAdvisoryStore(join(temp.dir, 'advisories.db'), 'write');
    await importAdvisories(store, readInputs(files), { source: 'vulndata', now });
    bench = await benchInventory(vulndata);
  });

  afterAll(async () => {
    store.close();
    await temp.cleanup();
  });

  it('gives the 10,000-package inventory the same result as matchInventory, cold and warm', () => {
    const expected = matchInventory(bench, store, options);
    expect(expected.findings.length).toBeGreaterThan(20_000);

    const matcher = new AdvisoryMatcher(options);
    const cold = matcher.match(bench, store);
    const warm = matcher.match(bench, store);
    expect(cold).toEqual(expected);
    expect(warm).toEqual(expected);
    expect(JSON.stringify(warm)).toBe(JSON.stringify(expected));
  });

  it('keeps one inventory\'s verdicts from changing the next one\'s result', () => {
    const matcher = new AdvisoryMatcher(options);
    const some = bench.packages.filter((_p, i) => i % 3 === 0);
    const half = inventory(some.filter((_p, i) => i % 2 === 0), bench.os);
    // Same names, other versions: the index is reused, the verdicts are not.
    const shifted = inventory(some.map((p, i) => {
      const other = some[(i + 1) % some.length] as Package;
      return { ...p, version: p.type === other.type ? other.version : p.version };
    }), bench.os);

    for (const next of [half, inventory(some, bench.os), shifted, half]) {
      expect(matcher.match(next, store)).toEqual(matchInventory(next, store, options));
    }
  });

  it('gives other versions of the same packages the same findings from shared parts', () => {
    // No verdicts kept: every call builds templates anew from the parts the index keeps.
    const matcher = new AdvisoryMatcher({ ...options, maxCachedLookups: 0 });
    const some = bench.packages.filter((_p, i) => i % 4 === 1);
    const rotated = (by: number) => inventory(some.map((p, i) => {
      const other = some[(i + by) % some.length] as Package;
      return { ...p, version: p.type === other.type ? other.version : p.version };
    }), bench.os);

    for (const next of [inventory(some, bench.os), rotated(1), rotated(2), rotated(1)]) {
      const expected = matchInventory(next, store, options);
      expect(JSON.stringify(matcher.match(next, store))).toBe(JSON.stringify(expected));
    }
  });

  it('matches this machine\'s packages, an Alpine image and odd inputs alike', () => {
    const dpkg = '/var/lib/dpkg/status';
    const machine = existsSync(dpkg)
      ? parseDpkgStatus(readFileSync(dpkg, 'utf8'), dpkg).entries.map((e): Package => ({
        ...npm(e.name, e.version), type: 'deb', ecosystem: 'Debian', source: e.source,
        purl: `pkg:deb/debian/${e.name}@${e.version}`, locations: [{ path: dpkg }] }))
      : [];
    const lodash = npm('lodash', '4.17.15');
    const odd: Package[] = [
      ...machine, lodash, lodash, npm('minimist', 'not-a-version'),
      { ...npm('openssl', '3.1.4-r0'), type: 'apk', ecosystem: 'Alpine',
        source: { name: 'openssl', version: '3.1.4-r0' } },
      { ...npm('kernel', '1.0'), type: 'rpm', ecosystem: 'Red Hat' },
    ];
    const matcher = new AdvisoryMatcher(options);
    for (const os of [{ id: 'debian', versionId: '12', idLike: [] },
      { id: 'alpine', versionId: '3.19.1', idLike: [] }, undefined]) {
      const mixed = inventory(odd, os);
      const expected = matchInventory(mixed, store, options);
      expect(matcher.match(mixed, store)).toEqual(expected);
      expect(matcher.match(mixed, store)).toEqual(expected);
    }
  });

  it('gives the same result with no verdicts kept, a tiny index, or no store revision', () => {
    const part = inventory(bench.packages.filter((_p, i) => i % 5 === 0), bench.os);
    const expected = matchInventory(part, store, options);
    const tiny = new AdvisoryMatcher({ ...options, maxCachedLookups: 0, maxIndexedNames: 10 });
    const plain = new AdvisoryMatcher(options);
    const reader = withoutRevision(store);
    for (let run = 0; run < 2; run += 1) {
      expect(tiny.match(part, store)).toEqual(expected);
      expect(plain.match(part, reader)).toEqual(expected);
    }
  });

  it('hands out findings that can be changed without changing later results', () => {
    const part = inventory(bench.packages.slice(0, 500), bench.os);
    for (const matcher of [new AdvisoryMatcher(options),
      new AdvisoryMatcher({ ...options, maxCachedLookups: 0 })]) {
      const first = matcher.match(part, store);
      for (const finding of first.findings) {
        finding.vulnerability.aliases.push('changed');
        finding.vulnerability.references.length = 0;
        finding.vulnerability.id = 'changed';
        finding.fixedVersions.reverse().push('changed');
        finding.cvss.length = 0;
      }

      expect(matcher.match(part, store)).toEqual(matchInventory(part, store, options));
    }
  });
});

describe.skipIf(!existsSync(vulndata))('AdvisoryMatcher after the store changes', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let store: AdvisoryStore;
  let npmInventory: Inventory;
  const lines = existsSync(vulndata)
    ? readFileSync(join(vulndata, 'npm.jsonl'), 'utf8').split('\n').filter((l) => l.trim())
    : [];

  const importLines = async (name: string, chosen: string[]) => {
    const file = join(temp.dir, `${name}.jsonl`);
    await writeFile(file, `${chosen.join('\n')}\n`);
    await importAdvisories(store, readInputs([file]), { source: name, now: () => new Date(0) });
  };

  beforeAll(async () => {
    temp = await makeTempDir('matcher-stale');
    store = openAdvisoryStore(join(temp.dir, 'advisories.db'), 'write');
    await importLines('first-half', lines.slice(0, lines.length >> 1));
    npmInventory = inventory(npmPackages(lines), undefined);
  });

  afterAll(async () => {
    store.close();
    await temp.cleanup();
  });

  it('sees records imported after its index was built in the very next match', async () => {
    const matcher = new AdvisoryMatcher(options);
    const before = matcher.match(npmInventory, store);
    expect(before).toEqual(matchInventory(npmInventory, store, options));

    await importLines('second-half', lines.slice(lines.length >> 1));
    const after = matcher.match(npmInventory, store);
    expect(after.findings.length).toBeGreaterThan(before.findings.length);
    expect(after).toEqual(matchInventory(npmInventory, store, options));
  });

  it.each([
    ['keeping verdicts', {}],
    ['keeping no verdicts, only the index and its finding parts', { maxCachedLookups: 0 }],
  ])('sees a changed, then a withdrawn record through a store opened anew, %s', async (
    _name,
    kept,
  ) => {
    const matcher = new AdvisoryMatcher({ ...options, ...kept });
    const target = npmInventory.packages.slice(0, 2_000);
    const probe = inventory(target, npmInventory.os);
    const found = matcher.match(probe, store).findings[0];
    expect(found).toBeDefined();
    const id = found?.vulnerability.id as string;
    const text = lines.find((line) => line.includes(`"${id}"`)) as string;
    const record = JSON.parse(text) as OsvRecord;

    const changed: OsvRecord = { ...record, id: record.id, modified: '2999-01-01T00:00:00Z',
      summary: 'changed after the index was built' };
    await importLines('changed', [JSON.stringify(changed)]);
    const reader = openAdvisoryStore(join(temp.dir, 'advisories.db'), 'read');
    try {
      const summaries = matcher.match(probe, reader).findings
        .filter((f) => f.vulnerability.id === id).map((f) => f.vulnerability.summary);
      expect(summaries).toContain('changed after the index was built');
    } finally {
      reader.close();
    }

    const withdrawn = { ...changed, modified: '2999-02-01T00:00:00Z',
      withdrawn: '2999-02-01T00:00:00Z' };
    await importLines('withdrawn', [JSON.stringify(withdrawn)]);
    const after = matcher.match(probe, store);
    expect(after.findings.some((f) => [f.vulnerability.id, ...f.vulnerability.aliases]
      .includes(record.id))).toBe(false);
    expect(after).toEqual(matchInventory(probe, store, options));
  });
});
