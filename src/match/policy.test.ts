import { describe, expect, it } from 'vitest';
import type { Finding } from './finding.js';
import { parseIgnoreFile } from './ignore-file.js';
import { applyPolicy, failingFindings, type ScanPolicy } from './policy.js';
import { parseVex } from './vex.js';

function finding(id: string, name: string, severity: Finding['severity'], fixed: string[] = [],
  aliases: string[] = []): Finding {
  return {
    kind: 'vulnerability',
    vulnerability: { id, aliases, references: [], modified: '2025-01-01T00:00:00Z' },
    package: {
      name, version: '1.0.0', ecosystem: 'npm', purl: `pkg:npm/${name}@1.0.0`, target: '/app',
    },
    severity, severitySource: 'cvss-v3.1', cvss: [], status: 'affected', fixedVersions: fixed,
    fixState: fixed.length > 0 ? 'fixed' : 'not-fixed',
  };
}

const findings = [
  finding('GHSA-aaaa', 'lodash', 'critical', ['4.17.21'], ['CVE-2021-1']),
  finding('CVE-2022-2', 'minimist', 'high'),
  finding('CVE-2022-3', 'axios', 'medium', ['1.0.0']),
  finding('CVE-2022-4', 'moment', 'low', ['2.29.4']),
];
const now = new Date('2026-12-03T12:00:00Z');
const policy = (extra: Partial<ScanPolicy>): ScanPolicy =>
  ({ ignoreUnfixed: false, ignores: [], vex: [], now, ...extra });
const ids = (list: Finding[]): string[] => list.map((f) => f.vulnerability.id);

describe('applyPolicy', () => {
  it('filters by severity and drops unfixed findings on request', () => {
    expect(ids(applyPolicy(findings, policy({ severities: ['critical', 'high'] })).findings))
      .toEqual(['GHSA-aaaa', 'CVE-2022-2']);
    expect(ids(applyPolicy(findings, policy({ ignoreUnfixed: true })).findings))
      .toEqual(['GHSA-aaaa', 'CVE-2022-3', 'CVE-2022-4']);
  });

  it('suppresses ignore entries by any alias until they expire, and lists expired ones', () => {
    const ignores = parseIgnoreFile(`ignore:
  - id: CVE-2021-1
    package: lodash
    expires: 2026-12-03
    reason: only reachable from a test helper
  - id: CVE-2022-2
    expires: 2026-12-02
    reason: waiting for upstream
  - id: CVE-2022-3
    package: pkg:npm/other
    reason: another package
`, '.moatignore.yaml');
    const outcome = applyPolicy(findings, policy({ ignores }));

    expect(ids(outcome.suppressed)).toEqual(['GHSA-aaaa']);
    expect(outcome.suppressed[0]?.suppressed).toEqual({ by: 'ignore-file',
      reason: 'only reachable from a test helper (until 2026-12-03)' });
    expect(outcome.expiredIgnores.map((r) => r.id)).toEqual(['CVE-2022-2']);
    expect(ids(outcome.findings)).toEqual(['CVE-2022-2', 'CVE-2022-3', 'CVE-2022-4']);
  });

  it.each([
    ['OpenVEX v0.2.0', JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      statements: [{ vulnerability: { name: 'CVE-2022-2' }, status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        products: [{ '@id': 'pkg:oci/app@sha256:abc',
          subcomponents: [{ '@id': 'pkg:npm/minimist' }] }] }],
    })],
    ['CycloneDX VEX', JSON.stringify({
      bomFormat: 'CycloneDX', specVersion: '1.6',
      components: [{ 'bom-ref': 'c1', name: 'minimist', purl: 'pkg:npm/minimist@1.0.0' }],
      vulnerabilities: [{ id: 'CVE-2022-2', analysis: { state: 'not_affected',
        justification: 'code_not_reachable' }, affects: [{ ref: 'c1' }] }],
    })],
  ])('suppresses not_affected statements from %s with the justification', (_name, text) => {
    const outcome = applyPolicy(findings, policy({ vex: parseVex(text, 'vex.json') }));
    expect(ids(outcome.suppressed)).toEqual(['CVE-2022-2']);
    expect(outcome.suppressed[0]?.suppressed?.by).toBe('vex');
    expect(outcome.suppressed[0]?.suppressed?.reason).toMatch(/not_in_execute_path|not_reachable/);
  });

  it('ignores VEX statements for another version or status', () => {
    const vex = parseVex(JSON.stringify({ statements: [
      { vulnerability: 'CVE-2022-2', status: 'not_affected', products: ['pkg:npm/minimist@9.9.9'] },
      { vulnerability: 'CVE-2022-3', status: 'affected', products: ['pkg:npm/axios'] },
    ] }), 'vex.json');
    expect(applyPolicy(findings, policy({ vex })).suppressed).toEqual([]);
  });
});

describe('failingFindings', () => {
  it.each([
    ['critical', ['GHSA-aaaa']],
    ['high', ['GHSA-aaaa', 'CVE-2022-2']],
    ['low', ['GHSA-aaaa', 'CVE-2022-2', 'CVE-2022-3', 'CVE-2022-4']],
  ] as const)('--fail-on %s fails on %j', (threshold, expected) => {
    expect(ids(failingFindings(findings, threshold))).toEqual(expected);
  });
});

describe('bad policy inputs', () => {
  it.each([
    ['not: [valid', /not valid YAML/],
    ['ignore:\n  - reason: x', /entry 1: `id` is required/],
    ['ignore:\n  - id: CVE-1', /`reason` is required/],
    ['ignore:\n  - {id: CVE-1, reason: r, expires: soon}', /`expires` must be a date/],
  ])('rejects the ignore file %j', (text, message) => {
    expect(() => parseIgnoreFile(text, 'f.yaml')).toThrow(message);
  });

  it.each(['not json', '{"hello": 1}'])('rejects the VEX document %j', (text) => {
    expect(() => parseVex(text, 'v.json')).toThrow(expect.objectContaining({ code: 'BAD_VEX' }));
  });
});
