// The JSON output: the whole report plus its summary, stable keys for scripts.
import type { AuditReport } from '../finding.js';
import { summarize } from './summary.js';

export function renderJson(report: AuditReport): string {
  return `${JSON.stringify({ ...report, summary: summarize(report) }, null, 2)}\n`;
}
