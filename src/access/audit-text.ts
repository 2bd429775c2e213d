// The audit log as a text table for people; JSON output uses the rows as they are.
import type { AuditRow } from './audit-chain.js';

const HEADER = ['ID', 'TIME', 'EVENT', 'SUBJECT', 'ADDRESS', 'ACTIONS', 'REPOSITORY', 'DIGEST',
  'DECISION', 'REASON'];

export function formatAuditTable(rows: Iterable<AuditRow>): string {
  const lines = [HEADER];
  for (const row of rows) {
    lines.push([String(row.id), row.at, row.event, row.subject ?? '(anonymous)',
      row.remoteAddress ?? '-', row.actions || '-', row.repository ?? '-',
      row.digest === undefined ? '-' : row.digest.slice(0, 19),
      `${row.decision} ${row.status}`, row.reason]);
  }

  // Control characters from request fields must not reach the terminal.
  return lines.map((cells) => cells.map((c) => c.replace(/[\p{Cc}\t]/gu, '?')).join('\t'))
    .join('\n').concat('\n');
}
