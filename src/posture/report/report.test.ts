import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import formats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Control } from '../catalog/control.js';
import { loadCatalog } from '../catalog/load.js';
import type { AuditReport } from '../finding.js';
import { auditManifests, DEFAULT_CDE_LABEL, DEFAULT_SANDBOX_RUNTIMES } from '../k8s/audit.js';
import { renderJson } from './json.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';

// CommonJS default exports, as NodeNext sees them.
const Ajv = AjvDraft04.default;
const addFormats = formats.default;

// The official OASIS SARIF 2.1.0 schema (rtm.5, JSON Schema draft-04), as shipped by Microsoft.
const SCHEMA_PATH = createRequire(import.meta.url).resolve(
  '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json',
);

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      hostPID: true
      containers:
        - name: nginx
          image: nginx:1.27
          securityContext: {privileged: true}
---
kind: Widget
metadata: {name: w}
`;

let catalog: Map<string, Control>;
let report: AuditReport;
beforeAll(async () => {
  catalog = await loadCatalog();
  report = auditManifests([{ file: 'deploy/web.yaml', text: MANIFEST }], {
    standard: 'pss-baseline',
    catalog,
    cdeLabel: DEFAULT_CDE_LABEL,
    sandboxRuntimes: DEFAULT_SANDBOX_RUNTIMES,
    allowedRegistries: [],
  });
});

describe('renderSarif', () => {
  it('produces a log that validates against the SARIF 2.1.0 schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
    const log = JSON.parse(renderSarif(report, catalog, '0.1.0')) as unknown;
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...(log as object), version: '2.0.0' })).toBe(false);
  });

  it('validates a host report whose findings have no file', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
    const host: AuditReport = {
      target: 'host',
      standard: 'moat',
      controls: ['MOAT-CTR-001'],
      subjects: 1,
      findings: [
        {
          controlId: 'MOAT-CTR-001',
          severity: 'critical',
          title: 'Privileged container',
          subject: { kind: 'container', name: 'web' },
          path: '/proc/42/status CapBnd',
          message: 'container web runs privileged',
          fix: 'Remove privileged.',
        },
      ],
      notes: [{ level: 'warning', message: 'container old exited while it was read' }],
    };
    const log = JSON.parse(renderSarif(host, catalog, '0.1.0'));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].results[0].locations[0]).toEqual({
      logicalLocations: [
        { fullyQualifiedName: 'container/web:/proc/42/status CapBnd', kind: 'object' },
      ],
    });
  });

  it('names the rule, level, file, line and field of each finding', () => {
    const log = JSON.parse(renderSarif(report, catalog, '0.1.0'));
    const run = log.runs[0];
    const privileged = run.results.find((r: { ruleId: string }) => r.ruleId === 'MOAT-K8S-001');
    expect(privileged.level).toBe('error');
    expect(run.tool.driver.rules[privileged.ruleIndex].id).toBe('MOAT-K8S-001');
    expect(privileged.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'deploy/web.yaml' },
      region: { startLine: 11 },
    });
    expect(privileged.properties.fieldPath).toBe(
      'spec.template.spec.containers[0].securityContext.privileged',
    );
    expect(run.tool.driver.rules[privileged.ruleIndex].properties.tags).toContain(
      'PSS baseline: Privileged Containers',
    );
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/Widget/);
  });
});

describe('renderTable', () => {
  it('shows each finding with its place and fix, notes, and a verdict', () => {
    const text = renderTable(report);
    expect(text).toContain(
      'CRITICAL  MOAT-K8S-001  Deployment shop/web  container nginx  deploy/web.yaml:11',
    );
    expect(text).toContain('at spec.template.spec.hostPID');
    expect(text).toContain('info: deploy/web.yaml:13: Widget/w is not a workload kind; not judged');
    expect(text).toMatch(
      /FAIL: 2 finding\(s\) \(1 critical, 1 high\) in 1 of 1 object\(s\) against pss-baseline/,
    );
    expect(text).not.toContain('\u001b[');
  });

  it('colours severities only when asked', () => {
    expect(renderTable(report, true)).toContain('\u001b[1;31mCRITICAL');
  });
});

describe('renderJson', () => {
  it('carries the findings and a summary', () => {
    const data = JSON.parse(renderJson(report));
    expect(data.summary).toEqual({
      passed: false,
      findings: 2,
      bySeverity: { critical: 1, high: 1, medium: 0, low: 0 },
      failedSubjects: 1,
    });
    expect(data.findings[0]).toMatchObject({ controlId: 'MOAT-K8S-002', line: 7 });
  });
});
