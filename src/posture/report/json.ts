// The JSON output: the whole report plus its summary, stable keys for scripts.
import type { AuditReport } from '../finding.js';
import { jsonChunks } from './chunks.js';
import { summarize } from './summary.js';

export function renderJson(report: AuditReport): string {
  return `${JSON.stringify({ ...report, summary: summarize(report) }, null, 2)}\n`;
}

/** The same bytes as `renderJson`, one finding per chunk, for reports too big for one string. */
export function renderJsonChunks(report: AuditReport): Iterable<string> {
  const skeleton = { ...report, findings: [], summary: summarize(report) };
  return jsonChunks(skeleton, 'findings', 1, report.findings);
}
