// The human output: one block per finding (what, where, how to fix), then notes and a summary.
import type { AuditReport, PostureFinding } from '../finding.js';
import { summarize } from './summary.js';

const COLOURS: Record<string, string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
};
const RESET = '\u001b[0m';

function subjectName(f: PostureFinding): string {
  const ns = f.subject.namespace === undefined ? '' : `${f.subject.namespace}/`;
  return `${f.subject.kind} ${ns}${f.subject.name}`;
}

function location(file?: string, line?: number): string {
  if (file === undefined) {
    return '';
  }

  return line === undefined ? file : `${file}:${line}`;
}

export function renderTable(report: AuditReport, colour = false): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const severity = f.severity.toUpperCase().padEnd(8);
    const tag = colour ? `${COLOURS[f.severity] ?? ''}${severity}${RESET}` : severity;
    const container = f.container === undefined ? '' : `  container ${f.container}`;
    const where = location(f.file, f.line);
    lines.push(`${tag}  ${f.controlId}  ${subjectName(f)}${container}${where ? `  ${where}` : ''}`);
    lines.push(`          ${f.title}: ${f.message}`);
    lines.push(`          at ${f.path}`);
    lines.push(`          fix: ${f.fix.replace(/\s+/g, ' ')}`);
  }

  for (const n of report.notes) {
    const where = location(n.file, n.line);
    lines.push(`${n.level}: ${where ? `${where}: ` : ''}${n.message}`);
  }

  const s = summarize(report);
  const counts = Object.entries(s.bySeverity)
    .filter(([, n]) => n > 0)
    .map(([sev, n]) => `${n} ${sev}`)
    .join(', ');
  const verdict = s.passed
    ? `PASS: ${report.subjects} ${report.target} object(s) meet ${report.standard}`
    : `FAIL: ${s.findings} finding(s) (${counts}) in ${s.failedSubjects} of ${report.subjects} ` +
      `object(s) against ${report.standard}`;
  lines.push(`${verdict}; ${report.controls.length} controls judged`);
  return `${lines.join('\n')}\n`;
}
