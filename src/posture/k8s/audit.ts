// Judges Kubernetes manifests against a standard: parse (bounded) → workloads → checks →
// findings with file, line and fix. Pure: the caller hands in the texts.
import type { Control } from '../catalog/control.js';
import type { AuditNote, AuditReport, PostureFinding } from '../finding.js';
import { sortFindings } from '../finding.js';
import { controlsFor, type Standard } from '../standards.js';
import { K8S_CHECKS } from './checks/index.js';
import { DEFAULT_LIMITS, parseDocuments, type ParseLimits } from './documents.js';
import { formatPath } from './path.js';
import { buildPodContext, type K8sCheckOptions } from './pod.js';
import { extractWorkloads } from './workloads.js';

export interface ManifestInput {
  file: string;
  text: string;
}

export interface K8sAuditOptions extends K8sCheckOptions {
  standard: Standard;
  catalog: Map<string, Control>;
  limits?: ParseLimits;
}

export const DEFAULT_CDE_LABEL = { key: 'moat.dev/cardholder-data', value: 'true' };
export const DEFAULT_SANDBOX_RUNTIMES = [
  'gvisor',
  'runsc',
  'kata',
  'kata-containers',
  'kata-qemu',
  'kata-fc',
  'kata-clh',
];

export function auditManifests(inputs: ManifestInput[], options: K8sAuditOptions): AuditReport {
  const controls = controlsFor(options.standard, options.catalog, 'kubernetes');
  const notes: AuditNote[] = [];
  const findings: PostureFinding[] = [];
  let subjects = 0;
  if (options.allowedRegistries.length === 0 && controls.some((c) => c.id === 'MOAT-K8S-041')) {
    notes.push({ level: 'info', message: 'no allowed registries given; MOAT-K8S-041 not judged' });
  }

  for (const input of inputs) {
    const parsed = parseDocuments(input.text, input.file, options.limits ?? DEFAULT_LIMITS);
    const extracted = extractWorkloads(parsed.documents);
    notes.push(...parsed.notes, ...extracted.notes);
    for (const workload of extracted.workloads) {
      subjects += 1;
      const pod = buildPodContext(workload, options);
      for (const control of controls) {
        const check = K8S_CHECKS.get(control.id);
        for (const v of check?.(pod) ?? []) {
          findings.push({
            controlId: control.id,
            severity: control.severity,
            title: control.title,
            subject: { kind: workload.kind, name: workload.name, namespace: workload.namespace },
            container: v.container,
            path: formatPath(v.path),
            file: input.file,
            line: workload.document.lineOf(v.path),
            message: v.message,
            fix: control.remediation,
          });
        }
      }
    }
  }

  return {
    target: 'kubernetes',
    standard: options.standard,
    controls: controls.map((c) => c.id),
    subjects,
    findings: sortFindings(findings),
    notes,
  };
}
