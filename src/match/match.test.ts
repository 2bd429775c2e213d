import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAdvisories } from '../advisories/import.js';
import { readInputs } from '../advisories/inputs.js';
import type { AdvisoryStore } from '../advisories/store.js';
import { parseDpkgStatus } from '../inventory/catalogers/dpkg/status.js';
import type { Inventory, Package, PackageType } from '../inventory/model.js';
import { openAdvisoryStore } from '../store/sqlite/advisory-store.js';
import { makeTempDir } from '../testing/requirements.js';
import { getScheme } from '../versions/registry.js';
import { matchInventory } from './match.js';

const vulndata = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'vulndata');
const files = ['debian-12', 'alpine', 'npm', 'npm-malicious', 'pypi', 'go', 'maven']
  .map((name) => join(vulndata, `${name}.jsonl`));
const options = { schemeFor: getScheme };
const debian12 = { id: 'debian', versionId: '12', idLike: [] };
const docker = 'github.com/docker/docker';
const layer = { index: 1, digest: `sha256:${'1'.repeat(64)}`, createdBy: 'RUN apt-get install' };

function pkg(type: PackageType, ecosystem: string, name: string, version: string,
  extra: Partial<Package> = {}): Package {
  return {
    name, version, type, ecosystem, purl: `pkg:${type}/${name}@${version}`, licenses: [],
    locations: [{ path: `/app/node_modules/${name}/package.json` }], layer, ...extra,
  };
}

function deb(name: string, version: string, source = name): Package {
  return pkg('deb', 'Debian', name, version, {
    source: { name: source, version }, locations: [{ path: '/var/lib/dpkg/status' }],
  });
}

function inventory(packages: Package[], os = debian12): Inventory {
  return { image: { reference: 'test', transport: 'dir', layers: [] }, os, packages, warnings: [] };
}

describe.skipIf(!existsSync(vulndata))('matchInventory with the real OSV data', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let store: AdvisoryStore;
  const match = (packages: Package[], os = debian12) =>
    matchInventory(inventory(packages, os), store, options);
  const ids = (packages: Package[]) => match(packages).findings.map((f) => f.vulnerability.id);
  const allIds = (packages: Package[]) => match(packages).findings
    .flatMap((f) => [f.vulnerability.id, ...f.vulnerability.aliases]);

  beforeAll(async () => {
    temp = await makeTempDir('match');
    store = openAdvisoryStore(join(temp.dir, 'advisories.db'), 'write');
    await importAdvisories(store, readInputs(files), { source: 'vulndata', now: () => new Date() });
  });

  afterAll(async () => {
    store.close();
    await temp.cleanup();
  });

  describe('Debian packages (matched by source package and release)', () => {
    it('finds CVE-2023-4911 in libc6 via its glibc source, once, with the DSA folded in', () => {
      const findings = match([deb('libc6', '2.36-9+deb12u1', 'glibc')]).findings
        .filter((f) => f.vulnerability.id === 'CVE-2023-4911');

      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        vulnerability: { aliases: expect.arrayContaining(['DSA-5514-1']) },
        package: { name: 'libc6', ecosystem: 'Debian:12', advisoryName: 'glibc', target: 'os' },
        severity: 'high', severitySource: 'cvss-v3.1', status: 'affected',
        fixedVersions: ['2.36-9+deb12u3'], fixState: 'fixed', layer,
      });
    });

    it.each([
      ['2.36-9+deb12u2', true],
      ['2.36-9+deb12u3', false],
      ['2.36-9+deb12u4', false],
    ])('glibc %s affected by CVE-2023-4911: %s (fixed is 2.36-9+deb12u3)', (version, hit) => {
      expect(ids([deb('libc6', version, 'glibc')]).includes('CVE-2023-4911')).toBe(hit);
    });

    it('uses the Debian urgency as the rating and says so', () => {
      const finding = match([deb('zlib1g', '1:1.1.4-1', 'zlib')]).findings
        .find((f) => f.vulnerability.id === 'CVE-2005-2096');
      expect(finding).toMatchObject({ severity: 'medium', severitySource: 'debian-urgency' });
    });

    it('matches this machine\'s installed packages: open issues appear, fixed ones do not', () => {
      const status = readFileSync('/var/lib/dpkg/status', 'utf8');
      const packages = parseDpkgStatus(status, '/var/lib/dpkg/status').entries
        .map((e) => ({ ...deb(e.name, e.version, e.source.name), source: e.source }));
      const result = match(packages);
      const scheme = getScheme('Debian:12');

      expect(result.findings.length).toBeGreaterThan(50);
      expect(result.findings.some((f) => f.fixState === 'not-fixed')).toBe(true);
      for (const finding of result.findings) {
        const source = packages.find((p) => p.name === finding.package.name)?.source?.version;
        for (const fixed of finding.fixedVersions) {
          expect(scheme?.compare(source ?? '', fixed)).toBe(-1);
        }
      }
    });

    it('warns instead of guessing when the release is unknown', () => {
      const noRelease = { id: 'debian', idLike: [] } as never;
      const result = match([deb('libc6', '2.36-9', 'glibc')], noRelease);
      expect(result.findings).toEqual([]);
      expect(result.warnings[0]?.code).toBe('PACKAGES_NOT_MATCHED');
    });
  });

  describe('Alpine packages (matched by origin and branch)', () => {
    const alpine = { id: 'alpine', versionId: '3.19.1', idLike: [] };
    const apk = (version: string): Package => pkg('apk', 'Alpine', 'libssl3', version, {
      source: { name: 'openssl' }, locations: [{ path: '/lib/apk/db/installed' }],
    });

    it.each([
      ['3.1.5-r0', true],
      ['3.1.6-r0', false],
    ])('libssl3 %s (origin openssl) on 3.19 → ALPINE-CVE-2024-5535: %s', (version, hit) => {
      const found = match([apk(version)], alpine).findings
        .filter((f) => f.vulnerability.aliases.includes('ALPINE-CVE-2024-5535'));
      expect(found.map((f) => f.vulnerability.id)).toEqual(hit ? ['CVE-2024-5535'] : []);
      if (hit) {
        expect(found[0]?.package)
          .toMatchObject({ ecosystem: 'Alpine:v3.19', advisoryName: 'openssl' });
      }
    });
  });

  describe('language ecosystems', () => {
    it.each([
      ['npm', 'npm', 'lodash', '4.17.15', 'CVE-2020-8203', true],
      ['npm', 'npm', 'lodash', '4.17.19', 'CVE-2020-8203', false],
      ['npm', 'npm', 'is-http2', '1.2.0', 'GHSA-2275-rpf5-xv8h', true],
      ['npm', 'npm', 'is-http2', '1.2.1', 'GHSA-2275-rpf5-xv8h', false],
      ['pypi', 'PyPI', 'PyYAML', '5.3.1', 'GHSA-8q59-q68h-6hv4', true],
      ['pypi', 'PyPI', 'pyyaml', '5.4', 'GHSA-8q59-q68h-6hv4', false],
      ['golang', 'Go', 'golang.org/x/text', 'v0.3.5', 'GHSA-ppp9-7jff-5vj2', true],
      ['golang', 'Go', 'golang.org/x/text', 'v0.3.7', 'GHSA-ppp9-7jff-5vj2', false],
      // Docker's 17.06.0-ce has leading zeros SemVer forbids; compared numerically.
      ['golang', 'Go', docker, 'v17.03.2-ce+incompatible', 'GHSA-qrqr-3x5j-2xw9', true],
      ['golang', 'Go', docker, 'v17.06.0-ce+incompatible', 'GHSA-qrqr-3x5j-2xw9', false],
      ['golang', 'Go', 'stdlib', 'go1.16.0', 'GO-2021-0067', true],
      ['golang', 'Go', 'stdlib', 'go1.16.1', 'GO-2021-0067', false],
    ] as const)('%s %s@%s → %s: %s', (type, ecosystem, name, version, id, hit) => {
      expect(allIds([pkg(type, ecosystem, name, version)]).includes(id)).toBe(hit);
    });

    it.each([
      ['org.apache.logging.log4j:log4j-core', '2.14.1', true],
      ['org.apache.logging.log4j:log4j-core', '2.17.1', false],
    ])('Maven %s@%s → CVE-2021-44228: %s', (name, version, hit) => {
      expect(allIds([pkg('maven', 'Maven', name, version)]).includes('CVE-2021-44228')).toBe(hit);
    });

    it('finds the same in a large inventory, where names are filtered up front', () => {
      const filler = Array.from({ length: 1_500 },
        (_, i) => pkg('npm', 'npm', `no-such-${i}`, '1.0.0'));
      const found = match([...filler, pkg('npm', 'npm', 'lodash', '4.17.15')]).findings;
      expect(found.map((f) => f.vulnerability.id)).toContain('CVE-2020-8203');
      expect(found.every((f) => f.package.name === 'lodash')).toBe(true);
    });

    it('reports one vulnerability once with all its ids (GHSA + PYSEC + CVE)', () => {
      const findings = match([pkg('pypi', 'PyPI', 'PyYAML', '5.3.1')]).findings
        .filter((f) => [f.vulnerability.id, ...f.vulnerability.aliases].includes('CVE-2020-14343'));
      expect(findings).toHaveLength(1);
      expect(findings[0]?.vulnerability).toMatchObject({
        id: 'CVE-2020-14343', aliases: ['GHSA-8q59-q68h-6hv4', 'PYSEC-2021-142'],
      });
    });

    it('reports malicious packages as their own kind, always critical', () => {
      const [finding] = match([pkg('npm', 'npm', 'cxp-jquery', '1.0.0')]).findings;
      expect(finding).toMatchObject({
        kind: 'malicious', severity: 'critical', severitySource: 'malicious-package',
        vulnerability: { id: 'MAL-2021-1' }, fixState: 'not-fixed',
      });
    });

    it.each([
      ['9.1.1', true],
      ['9.1.2', false],
    ])('matches versions lists exactly: @arkadium/eagle-user-client %s → %s', (v, hit) => {
      const found = allIds([pkg('npm', 'npm', '@arkadium/eagle-user-client', v)]);
      expect(found.includes('MAL-2022-81')).toBe(hit);
    });

    it('marks findings unknown when the installed version cannot be read', () => {
      const result = match([pkg('npm', 'npm', 'lodash', 'not-a-version')]);
      expect(result.findings.length).toBeGreaterThan(0);
      expect(result.findings.every((f) => f.status === 'unknown')).toBe(true);
      expect(result.stats.unknownVersions).toBe(result.findings.length);
    });

    it('counts every package it cannot order when a scheme is missing', () => {
      const schemeFor = (e: string) => (e === 'npm' ? undefined : getScheme(e));
      const lodash = pkg('npm', 'npm', 'lodash', '4.17.15');
      const twice = [lodash, { ...lodash }];
      const result = matchInventory(inventory(twice), store, { schemeFor });
      expect(result.stats.packagesSkipped).toBe(2);
      expect(result.warnings[0]?.message).toBe(
        '2 package(s) not matched: no version scheme for ecosystem npm');
    });

    it('skips packages of an unknown ecosystem with a warning', () => {
      const result = match([pkg('rpm', 'Red Hat', 'openssl', '1.0')]);
      expect(result.findings).toEqual([]);
      expect(result.stats.packagesSkipped).toBe(1);
      expect(result.warnings.map((w) => w.message).join()).toMatch(/Red Hat/);
    });
  });
});
