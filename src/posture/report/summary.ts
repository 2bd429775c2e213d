// Counts shared by every output format.
import { SEVERITIES, type Severity } from '../catalog/control.js';
import type { AuditReport } from '../finding.js';

export interface AuditSummary {
  passed: boolean;
  findings: number;
  bySeverity: Record<Severity, number>;
  failedSubjects: number;
}

export function summarize(report: AuditReport): AuditSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const subjects = new Set<string>();
  for (const f of report.findings) {
    bySeverity[f.severity] += 1;
    subjects.add(
      `${f.file ?? ''}|${f.subject.kind}|${f.subject.namespace ?? ''}|${f.subject.name}`,
    );
  }

  return {
    passed: report.findings.length === 0,
    findings: report.findings.length,
    bySeverity,
    failedSubjects: subjects.size,
  };
}
