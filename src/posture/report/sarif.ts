// SARIF 2.1.0 output (OASIS), the format code-scanning dashboards ingest. One run; a rule per
// judged control with its standards as tags; a result per finding with the file and line when
// the input was a file and a logical location naming the object and field otherwise.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Control, Severity } from '../catalog/control.js';
import type { AuditReport, PostureFinding } from '../finding.js';
import { jsonChunks } from './chunks.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

// GitHub code scanning reads `security-severity` (CVSS-like 0–10) from rule properties.
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

function tags(control: Control): string[] {
  const r = control.references;
  return [
    'security',
    ...(r.pss === undefined ? [] : [`PSS ${r.pss.level}: ${r.pss.control}`]),
    ...r.cisKubernetes.map((id) => `CIS Kubernetes ${id}`),
    ...r.cisDocker.map((id) => `CIS Docker ${id}`),
    ...r.pciDss.map((id) => `PCI DSS ${id}`),
  ];
}

function rule(control: Control): object {
  return {
    id: control.id,
    name: control.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) =>
      (c ?? '').toUpperCase(),
    ),
    shortDescription: { text: control.title },
    fullDescription: { text: control.rationale },
    help: { text: control.remediation },
    defaultConfiguration: { level: LEVEL[control.severity] },
    properties: { tags: tags(control), 'security-severity': SECURITY_SEVERITY[control.severity] },
  };
}

function artifactUri(file: string): string {
  if (file === '-') {
    return 'stdin';
  }

  return isAbsolute(file) ? pathToFileURL(file).href : encodeURI(file.split('\\').join('/'));
}

function result(f: PostureFinding, ruleIndex: number): object {
  const ns = f.subject.namespace === undefined ? '' : `${f.subject.namespace}/`;
  const object = `${f.subject.kind}/${ns}${f.subject.name}`;
  const logical = { fullyQualifiedName: `${object}:${f.path}`, kind: 'object' };
  const location: Record<string, unknown> = { logicalLocations: [logical] };
  if (f.file !== undefined) {
    location.physicalLocation = {
      artifactLocation: { uri: artifactUri(f.file) },
      ...(f.line === undefined ? {} : { region: { startLine: f.line } }),
    };
  }

  return {
    ruleId: f.controlId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: `${f.message}. Fix: ${f.fix.replace(/\s+/g, ' ')}` },
    locations: [location],
    properties: { object, container: f.container, fieldPath: f.path },
  };
}

function sarifLog(
  report: AuditReport,
  catalog: Map<string, Control>,
  version: string,
  results: (index: Map<string, number>) => object[],
): object {
  const controls = report.controls.flatMap((id) => catalog.get(id) ?? []);
  const index = new Map(controls.map((c, i) => [c.id, i]));
  const notifications = report.notes.map((n) => ({
    level: n.level === 'info' ? 'note' : n.level,
    message: { text: n.message },
    ...(n.file === undefined
      ? {}
      : {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(n.file) },
                ...(n.line === undefined ? {} : { region: { startLine: n.line } }),
              },
            },
          ],
        }),
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'moat',
            version,
            rules: controls.map(rule),
          },
        },
        invocations: [
          {
            executionSuccessful: !report.notes.some((n) => n.level === 'error'),
            toolExecutionNotifications: notifications,
          },
        ],
        results: results(index),
        properties: { target: report.target, standard: report.standard, subjects: report.subjects },
      },
    ],
  };
}

export function renderSarif(
  report: AuditReport,
  catalog: Map<string, Control>,
  version: string,
): string {
  const log = sarifLog(report, catalog, version, (index) =>
    report.findings.map((f) => result(f, index.get(f.controlId) ?? -1)),
  );
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** The same bytes as `renderSarif`, one result per chunk, for reports too big for one string. */
export function renderSarifChunks(
  report: AuditReport,
  catalog: Map<string, Control>,
  version: string,
): Iterable<string> {
  let ruleIndex = new Map<string, number>();
  const skeleton = sarifLog(report, catalog, version, (index) => {
    ruleIndex = index;
    return [];
  });
  // `results` sits in the one run object: log (1) > runs[0] (2) > results (3).
  return jsonChunks(skeleton, 'results', 3, report.findings, (f) =>
    result(f, ruleIndex.get(f.controlId) ?? -1),
  );
}
