// Judges Docker Compose files: each service against the container controls.
import type { Control } from '../catalog/control.js';
import { evaluateContainer } from '../container/evaluate.js';
import { sortFindings, type AuditNote, type AuditReport, type PostureFinding } from '../finding.js';
import { DEFAULT_LIMITS, parseDocuments } from '../k8s/documents.js';
import { asFields, asString } from '../k8s/fields.js';
import type { InputFile } from '../inputs.js';
import { controlsFor, type Standard } from '../standards.js';
import { serviceFacts, type ComposeOptions } from './facts.js';

export interface ComposeAuditOptions extends ComposeOptions {
  standard: Standard;
  catalog: Map<string, Control>;
}

export const DEFAULT_COMPOSE_CDE_LABEL = { key: 'moat.dev/cardholder-data', value: 'true' };
export const DEFAULT_OCI_SANDBOXES = [
  'runsc',
  'io.containerd.runsc.v1',
  'kata',
  'kata-runtime',
  'io.containerd.kata.v2',
];

export function auditCompose(inputs: InputFile[], options: ComposeAuditOptions): AuditReport {
  const controls = controlsFor(options.standard, options.catalog, 'container');
  const byId = new Map(controls.map((c) => [c.id, c]));
  const notes: AuditNote[] = [];
  const findings: PostureFinding[] = [];
  let subjects = 0;
  for (const input of inputs) {
    const parsed = parseDocuments(input.text, input.file, DEFAULT_LIMITS);
    notes.push(...parsed.notes);
    for (const doc of parsed.documents) {
      const services = asFields(asFields(doc.value)?.services);
      if (services === undefined) {
        notes.push({
          level: 'warning',
          file: input.file,
          line: doc.lineOf([]),
          message: 'no services; not a Compose file',
        });
        continue;
      }

      const project = asString(asFields(doc.value)?.name);
      for (const [name, value] of Object.entries(services)) {
        const service = asFields(value);
        if (service === undefined) {
          notes.push({
            level: 'warning',
            file: input.file,
            line: doc.lineOf(['services', name]),
            message: `service ${name} is not a mapping; skipped`,
          });
          continue;
        }

        subjects += 1;
        const facts = serviceFacts(service, ['services', name], options);
        for (const v of evaluateContainer(facts, [...byId.keys()])) {
          const control = byId.get(v.controlId);
          if (control === undefined) {
            continue;
          }

          findings.push({
            controlId: control.id,
            severity: control.severity,
            title: control.title,
            subject: { kind: 'service', name, namespace: project },
            path: v.fact.path,
            file: input.file,
            line: v.fact.at === undefined ? undefined : doc.lineOf(v.fact.at),
            message: `service ${name} ${v.message}`,
            fix: control.remediation,
          });
        }
      }
    }
  }

  return {
    target: 'compose',
    standard: options.standard,
    controls: controls.map((c) => c.id),
    subjects,
    findings: sortFindings(findings),
    notes,
  };
}
