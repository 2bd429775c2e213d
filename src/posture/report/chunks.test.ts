import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { workloadManifest } from '../../bench/posture-manifests.js';
import type { Control } from '../catalog/control.js';
import { loadCatalog } from '../catalog/load.js';
import type { AuditReport, PostureFinding } from '../finding.js';
import {
  auditManifests,
  DEFAULT_CDE_LABEL,
  DEFAULT_SANDBOX_RUNTIMES,
  type ManifestInput,
} from '../k8s/audit.js';
import { SHARED_DIR } from '../testing/paths.js';
import { jsonChunks } from './chunks.js';
import { renderJson, renderJsonChunks } from './json.js';
import { renderSarif, renderSarifChunks } from './sarif.js';

const CASES_DIR = join(SHARED_DIR, 'conformance', 'k8s-misconfig');

function caseInputs(id: string): ManifestInput[] {
  const dir = join(CASES_DIR, id);
  const inputDir = existsSync(join(dir, 'input')) ? join(dir, 'input') : dir;
  return readdirSync(inputDir)
    .filter((name) => /\.(ya?ml|json)$/.test(name) && !/expected\.json$/.test(name))
    .map((name) => join(inputDir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

const caseIds = existsSync(CASES_DIR)
  ? readdirSync(CASES_DIR).filter((id) => statSync(join(CASES_DIR, id)).isDirectory())
  : [];

let catalog: Map<string, Control>;
beforeAll(async () => {
  catalog = await loadCatalog();
});

function audit(inputs: ManifestInput[], standard = 'moat'): AuditReport {
  return auditManifests(inputs, {
    standard: standard as 'moat',
    catalog,
    cdeLabel: DEFAULT_CDE_LABEL,
    sandboxRuntimes: DEFAULT_SANDBOX_RUNTIMES,
    allowedRegistries: ['registry.bank.example'],
  });
}

function expectSameBytes(report: AuditReport): void {
  expect([...renderJsonChunks(report)].join('')).toBe(renderJson(report));
  expect([...renderSarifChunks(report, catalog, '1.2.3')].join('')).toBe(
    renderSarif(report, catalog, '1.2.3'),
  );
}

/** Findings whose strings need escaping, with and without the optional fields. */
function oddFinding(i: number): PostureFinding {
  return {
    controlId: i % 7 === 0 ? 'NOT-IN-CATALOG' : 'MOAT-K8S-001',
    severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4] ?? 'low',
    title: `title "${i}"\n\t\u2028 ✓`,
    subject: { kind: 'Pod', name: `p${i}`, ...(i % 2 === 0 ? { namespace: 'ns' } : {}) },
    ...(i % 3 === 0 ? {} : { container: `c${i}`, file: `dir/f ${i}.yaml`, line: i }),
    path: 'spec.containers[0]',
    message: '"findings": [] inside a string',
    fix: 'set x\n  to y',
  };
}

describe('streamed reports are byte-identical to the one-string renderers', () => {
  it.skipIf(caseIds.length === 0).each(caseIds)('conformance case %s', (id) => {
    const inputs = caseInputs(id);
    expectSameBytes(audit(inputs));
    expectSameBytes(audit(inputs, 'pss-restricted'));
  });

  it('a generated report with thousands of findings, spanning several batches', () => {
    const inputs = Array.from({ length: 120 }, (_, i) => ({
      file: `deploy/w${i}.yaml`,
      text: workloadManifest(i),
    }));
    const report = audit(inputs);
    expect(report.findings.length).toBeGreaterThan(2000);
    expectSameBytes(report);
  });

  it.each([0, 1, 999, 1000, 1001, 2500])('%i findings with escapes and notes', (count) => {
    const report: AuditReport = {
      target: 'kubernetes',
      standard: 'moat',
      controls: ['MOAT-K8S-001', 'MOAT-K8S-002'],
      subjects: count,
      findings: Array.from({ length: count }, (_, i) => oddFinding(i)),
      notes: [
        { level: 'error', message: 'bad "findings": []', file: '/abs/x.yaml', line: 2 },
        { level: 'info', message: 'results: []' },
      ],
    };
    expectSameBytes(report);
  });
});

describe('jsonChunks', () => {
  it('refuses a skeleton without the array at that depth', () => {
    expect(() => [...jsonChunks({ a: { findings: [] } }, 'findings', 1, [1])]).toThrow(
      /cannot place/,
    );
  });

  it('never holds the whole array in one chunk', () => {
    const items = Array.from({ length: 2500 }, (_, i) => ({ i }));
    const chunks = [...jsonChunks({ findings: [] }, 'findings', 1, items)];
    const whole = `${JSON.stringify({ findings: items }, null, 2)}\n`;
    expect(chunks.join('')).toBe(whole);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(whole.length / 2);
  });
});
