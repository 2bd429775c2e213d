// Judges Kubernetes manifests against a standard: parse (bounded) → workloads → checks →
// findings with file, line and fix. Pure: the caller hands in the texts. Each input is judged
// on its own (auditInput), so parallel.ts can spread inputs over worker threads and assemble
// the same report.
import type { Control } from '../catalog/control.js';
import type { AuditNote, AuditReport, PostureFinding } from '../finding.js';
import { controlsFor, type Standard } from '../standards.js';
import { K8S_CHECKS } from './checks/index.js';
import {
  byLineSeverityControl,
  CompactWriter,
  expandFindings,
  groupByFile,
  type CompactFindings,
} from './compact.js';
import { DEFAULT_LIMITS, parseDocuments, type ParseLimits } from './documents.js';
import { formatPath } from './path.js';
import { buildPodContext, type Check, type K8sCheckOptions } from './pod.js';
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

export interface InputResult {
  findings: CompactFindings;
  notes: AuditNote[];
  subjects: number;
}

/** The controls judged, in catalog order, each with its check. */
export function judgedControls(options: K8sAuditOptions): Control[] {
  return controlsFor(options.standard, options.catalog, 'kubernetes');
}

/** The report's opening notes, before any input's. */
export function leadingNotes(controls: Control[], options: K8sAuditOptions): AuditNote[] {
  if (options.allowedRegistries.length === 0 && controls.some((c) => c.id === 'MOAT-K8S-041')) {
    return [{ level: 'info', message: 'no allowed registries given; MOAT-K8S-041 not judged' }];
  }

  return [];
}

/** Parses and judges one input. */
export function auditInput(
  input: ManifestInput,
  controls: Control[],
  options: K8sAuditOptions,
): InputResult {
  const checks = controls.map((c) => K8S_CHECKS.get(c.id));
  const parsed = parseDocuments(input.text, input.file, options.limits ?? DEFAULT_LIMITS);
  const extracted = extractWorkloads(parsed.documents);
  const findings = new CompactWriter();
  for (const workload of extracted.workloads) {
    const pod = buildPodContext(workload, options);
    checks.forEach((check: Check | undefined, control) => {
      for (const v of check?.(pod) ?? []) {
        findings.add({
          control,
          kind: workload.kind,
          name: workload.name,
          namespace: workload.namespace,
          container: v.container,
          path: formatPath(v.path),
          line: workload.document.lineOf(v.path),
          message: v.message,
        });
      }
    });
  }

  return {
    findings: findings.finish(controls),
    notes: [...parsed.notes, ...extracted.notes],
    subjects: extracted.workloads.length,
  };
}

/** Joins the inputs' results into the report, its findings in sortFindings order. */
export function assembleReport(
  inputs: readonly ManifestInput[],
  results: readonly InputResult[],
  controls: Control[],
  options: K8sAuditOptions,
): AuditReport {
  const notes = leadingNotes(controls, options);
  let subjects = 0;
  for (const result of results) {
    notes.push(...result.notes);
    subjects += result.subjects;
  }

  const findings: PostureFinding[] = [];
  for (const group of groupByFile(inputs.map((input) => input.file))) {
    const start = findings.length;
    for (const i of group) {
      const file = (inputs[i] as ManifestInput).file;
      expandFindings((results[i] as InputResult).findings, file, controls, findings);
    }

    // A file read twice: its inputs' sorted runs interleave by line.
    if (group.length > 1) {
      const merged = findings.splice(start).sort(byLineSeverityControl);
      for (const finding of merged) {
        findings.push(finding);
      }
    }
  }

  return {
    target: 'kubernetes',
    standard: options.standard,
    controls: controls.map((c) => c.id),
    subjects,
    findings,
    notes,
  };
}

export function auditManifests(inputs: ManifestInput[], options: K8sAuditOptions): AuditReport {
  const controls = judgedControls(options);
  const results = inputs.map((input) => auditInput(input, controls, options));
  return assembleReport(inputs, results, controls, options);
}
