import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import AjvDraft04 from 'ajv-draft-04';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAdvisories } from '../../advisories/import.js';
import { readInputs } from '../../advisories/inputs.js';
import type { AdvisoryStore } from '../../advisories/store.js';
import type { Inventory, Package } from '../../inventory/model.js';
import { openAdvisoryStore } from '../../store/sqlite/advisory-store.js';
import { makeTempDir } from '../../testing/requirements.js';
import { getScheme } from '../../versions/registry.js';
import { buildScanReport } from './build.js';
import { formatScan } from './index.js';
import type { ScanReport } from './model.js';

const vulndata = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'vulndata');
const sarifSchema = createRequire(import.meta.url)
  .resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const options = { colour: false, now: new Date('2026-12-03T12:00:00Z'), toolVersion: '0.1.0',
  uuid: '3f2a8c1e-0b7d-4e55-9a61-2c4f5e6d7a8b' };
const base = { index: 0, digest: `sha256:${'a'.repeat(64)}`, createdBy: 'debootstrap bookworm' };
const app = {
  index: 1, digest: `sha256:${'b'.repeat(64)}`, createdBy: 'COPY node_modules /srv/app',
};

const packages: Package[] = [
  { name: 'libc6', version: '2.36-9+deb12u1', type: 'deb', ecosystem: 'Debian',
    purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64', licenses: [],
    source: { name: 'glibc', version: '2.36-9+deb12u1' },
    locations: [{ path: '/var/lib/dpkg/status', layer: base }], layer: base },
  { name: 'lodash', version: '4.17.15', type: 'npm', ecosystem: 'npm',
    purl: 'pkg:npm/lodash@4.17.15', licenses: ['MIT'],
    locations: [{ path: '/srv/app/node_modules/lodash/package.json', layer: app }],
    layer: app },
  { name: 'cxp-jquery', version: '1.0.0', type: 'npm', ecosystem: 'npm',
    purl: 'pkg:npm/cxp-jquery@1.0.0', licenses: [],
    locations: [{ path: '/srv/app/node_modules/cxp-jquery/package.json', layer: app }],
    layer: app },
];
const inventory: Inventory = {
  image: { reference: 'oci:/tmp/layout:app', transport: 'oci', platform: 'linux/amd64',
    manifestDigest: `sha256:${'c'.repeat(64)}`, configDigest: `sha256:${'d'.repeat(64)}`,
    layers: [base, app] },
  os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', idLike: [] },
  packages,
  warnings: [],
};

describe.skipIf(!existsSync(vulndata))('scan report formats', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let store: AdvisoryStore;
  let report: ScanReport;

  beforeAll(async () => {
    temp = await makeTempDir('vuln-formats');
    // A real subset: every record naming one of the packages above.
    const pick = (file: string, names: string[]): string[] =>
      readFileSync(join(vulndata, file), 'utf8').split('\n')
        .filter((line) => names.some((n) => line.includes(`"name":"${n}"`)));
    const subset = join(temp.dir, 'subset.jsonl');
    await writeFile(subset, [...pick('debian-12.jsonl', ['glibc']),
      ...pick('npm.jsonl', ['lodash']),
      ...pick('npm-malicious.jsonl', ['cxp-jquery'])].join('\n'));
    store = openAdvisoryStore(join(temp.dir, 'advisories.db'), 'write');
    await importAdvisories(store, readInputs([subset]), { source: 'test', now: () => options.now });
    report = buildScanReport(inventory, store, { schemeFor: getScheme, failOn: 'critical',
      policy: { ignoreUnfixed: false, ignores: [], vex: [], now: options.now } });
  });

  afterAll(async () => {
    store.close();
    await temp.cleanup();
  });

  it('writes the documented JSON with layers, fixes and the gate', () => {
    const doc = JSON.parse(formatScan(report, 'json', options)) as {
      summary: { failed: boolean; bySeverity: Record<string, number> };
      findings: { vulnerability: { id: string; aliases: string[] }; package: { name: string };
        layer: { index: number; createdBy: string }; fixedVersions: string[]; kind: string }[];
    };
    const glibc = doc.findings.find((f) => f.vulnerability.id === 'CVE-2023-4911');
    const lodash = doc.findings.find((f) => f.vulnerability.id === 'CVE-2020-8203');

    expect(doc.summary.failed).toBe(true);
    expect(doc.summary.bySeverity.critical).toBeGreaterThan(0);
    expect(glibc).toMatchObject({ package: { name: 'libc6' }, fixedVersions: ['2.36-9+deb12u3'],
      layer: { index: 0, createdBy: 'debootstrap bookworm' } });
    expect(lodash).toMatchObject({ layer: { index: 1 }, fixedVersions: ['4.17.19'] });
    expect(doc.findings.find((f) => f.kind === 'malicious')?.vulnerability.id).toBe('MAL-2021-1');
  });

  it('groups the table by target with counts, and stays plain off a terminal', () => {
    const text = formatScan(report, 'table', options);
    const os = 'OS packages (Debian GNU/Linux 12 (bookworm)) — '
      + '3 high, 3 medium, 7 negligible, 6 unknown';
    expect(text.split('\n')).toContain(os);
    expect(text).toMatch(/^\/srv\/app\/node_modules — 1 critical, \d+ high/m);
    expect(text).toMatch(/MALICIOUS +MAL-2021-1 +cxp-jquery/);
    expect(text).toMatch(/FAILED --fail-on critical\n$/);
    expect(text).not.toContain('\u001b[');
    expect(formatScan(report, 'table', { ...options, colour: true })).toContain('\u001b[1;31m');
    const narrow = formatScan(report, 'table', { ...options, columns: 100 }).split('\n');
    expect(narrow.filter((l) => l.startsWith('HIGH')).every((l) => l.length <= 100)).toBe(true);
    expect(narrow.join('\n')).toContain('CVE-2023-4911');
  });

  it('writes SARIF that validates against the SARIF 2.1.0 schema, with security-severity', () => {
    const log = JSON.parse(formatScan(report, 'sarif', options)) as {
      runs: { tool: { driver: { rules: { id: string; properties: Record<string, string> }[] } };
        results: { ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    formats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(sarifSchema, 'utf8')) as object);

    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0];
    expect(run?.results.length).toBe(report.findings.length);
    const glibc = run?.tool.driver.rules.find((r) => r.id === 'CVE-2023-4911');
    expect(glibc?.properties['security-severity']).toBe('7.8');
    expect(run?.results.find((r) => r.ruleId === 'MAL-2021-1')?.locations[0]?.physicalLocation
      .artifactLocation.uri).toBe('srv/app/node_modules/cxp-jquery/package.json');
  });

  it('writes CycloneDX 1.6 with vulnerabilities that validates and names components', async () => {
    const text = formatScan(report, 'cyclonedx', options);
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(text)).toBeNull();

    const bom = JSON.parse(text) as { components: { 'bom-ref': string; name: string }[];
      vulnerabilities: { id: string; affects: { ref: string }[];
        ratings: { method: string }[] }[] };
    const refs = new Set(bom.components.map((c) => c['bom-ref']));
    expect(bom.vulnerabilities).toHaveLength(report.findings.length);
    expect(bom.vulnerabilities.every((v) => v.affects.every((a) => refs.has(a.ref)))).toBe(true);
    expect(bom.vulnerabilities.find((v) => v.id === 'CVE-2023-4911')?.ratings)
      .toContainEqual(expect.objectContaining({ method: 'CVSSv31' }));
  });

  it('writes OpenVEX affected statements under the image purl', () => {
    const doc = JSON.parse(formatScan(report, 'openvex', options)) as {
      '@context': string; statements: { status: string; vulnerability: { name: string };
        products: { '@id': string; subcomponents: { '@id': string }[] }[];
        action_statement: string }[] };
    expect(doc['@context']).toBe('https://openvex.dev/ns/v0.2.0');
    expect(doc.statements).toHaveLength(report.findings.length);
    const glibc = doc.statements.find((s) => s.vulnerability.name === 'CVE-2023-4911');
    expect(glibc).toMatchObject({ status: 'affected',
      action_statement: 'Upgrade libc6 to 2.36-9+deb12u3.' });
    expect(glibc?.products[0]?.['@id']).toMatch(/^pkg:oci\//);
    expect(glibc?.products[0]?.subcomponents[0]?.['@id']).toBe(packages[0]?.purl);
  });
});
