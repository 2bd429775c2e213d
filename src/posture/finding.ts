// What a posture audit returns, whatever it judged (manifests, Compose, Dockerfiles, live
// containers): findings against catalog controls, and notes about input it skipped or could
// not read. Reports (table, JSON, SARIF) and exit codes are derived from this alone.
import type { Severity } from './catalog/control.js';

/** The object a finding is about: a workload, a Compose service, a Dockerfile, a container. */
export interface FindingSubject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface PostureFinding {
  controlId: string;
  severity: Severity;
  title: string;
  subject: FindingSubject;
  container?: string;
  /** The exact field, e.g. `spec.template.spec.containers[0].securityContext.privileged`. */
  path: string;
  file?: string;
  line?: number;
  message: string;
  fix: string;
}

export type NoteLevel = 'info' | 'warning' | 'error';

/** Something the audit could not judge: `error` means an input was lost, not a policy failure. */
export interface AuditNote {
  level: NoteLevel;
  message: string;
  file?: string;
  line?: number;
}

export interface AuditReport {
  /** What was judged: `kubernetes`, `compose`, `dockerfile` or `host`. */
  target: string;
  standard: string;
  /** The ids of the controls that were judged. */
  controls: string[];
  /** How many objects (workloads, services, files, containers) were judged. */
  subjects: number;
  findings: PostureFinding[];
  notes: AuditNote[];
}

export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Findings ordered for people: file, line, then the most severe first. */
export function sortFindings(findings: PostureFinding[]): PostureFinding[] {
  // Plain code-unit comparison: localeCompare is far too slow for 100,000s of findings.
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...findings].sort(
    (a, b) =>
      cmp(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      cmp(a.controlId, b.controlId),
  );
}

/** True when any input could not be read: the audit is incomplete (exit 2, not 1). */
export function hasInputErrors(report: AuditReport): boolean {
  return report.notes.some((n) => n.level === 'error');
}
