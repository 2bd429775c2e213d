// The human view of a scan: one block per target (OS packages, each lockfile or install
// tree) with its counts by severity, then a one-line summary. Colours only when asked.
import type { Finding } from '../../match/finding.js';
import { severities, type Severity } from '../../match/severity.js';
import { describeStep } from '../steps.js';
import { sanitize } from '../table.js';
import { countBySeverity, sortFindings, type ScanReport, type VulnFormatOptions } from './model.js';

const colours: Record<Severity, string> = {
  critical: '\u001b[1;31m', high: '\u001b[31m', medium: '\u001b[33m', low: '\u001b[36m',
  negligible: '\u001b[2m', unknown: '\u001b[2m',
};
const reset = '\u001b[0m';
const headers = ['SEVERITY', 'ID', 'PACKAGE', 'INSTALLED', 'FIXED IN', 'INTRODUCED BY', 'TITLE'];

function row(f: Finding): string[] {
  const fixed = f.fixedVersions.length > 0 ? f.fixedVersions.join(', ') : 'no fix';
  const severity = f.kind === 'malicious' ? 'MALICIOUS' : f.severity.toUpperCase();
  const version = f.status === 'unknown' ? `${f.package.version} (?)` : f.package.version;
  return [severity, f.vulnerability.id, f.package.name, version, fixed,
    describeStep(f.layer?.createdBy).slice(0, 40), (f.vulnerability.summary ?? '').slice(0, 60)]
    .map(sanitize);
}

function countsText(findings: Finding[]): string {
  const counts = countBySeverity(findings);
  return [...severities].reverse().filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`).join(', ') || 'no findings';
}

function titleOf(target: string, report: ScanReport): string {
  if (target !== 'os') {
    return target;
  }

  const os = report.os;
  return `OS packages (${os?.prettyName ?? [os?.id, os?.versionId].filter(Boolean).join(' ')})`;
}

/** Renders the scan as aligned text tables grouped by target. */
export function formatScanTable(report: ScanReport, options: VulnFormatOptions): string {
  const groups = new Map<string, Finding[]>();
  for (const finding of sortFindings(report.findings)) {
    const list = groups.get(finding.package.target) ?? [];
    list.push(finding);
    groups.set(finding.package.target, list);
  }

  const ordered = [...groups.keys()]
    .sort((a, b) => (a === 'os' ? -1 : b === 'os' ? 1 : a.localeCompare(b)));
  const rows = ordered.flatMap((t) => (groups.get(t) ?? []).map(row));
  const widths = fitWidths(headers.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))), options.columns);
  const line = (cells: string[], colour?: Severity): string => {
    const text = cells.map((c, i) => cut(c, widths[i] ?? 0).padEnd(widths[i] ?? 0)).join('  ')
      .trimEnd();
    return options.colour && colour !== undefined ? `${colours[colour]}${text}${reset}` : text;
  };

  const out: string[] = [];
  for (const target of ordered) {
    const findings = groups.get(target) ?? [];
    const title = `${titleOf(target, report)} — ${countsText(findings)}`;
    out.push(options.colour ? `\u001b[1m${sanitize(title)}${reset}` : sanitize(title));
    out.push(line(headers));
    for (const finding of findings) {
      out.push(line(row(finding), finding.severity));
    }

    out.push('');
  }

  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}

// Columns given up first when the terminal is narrow: title, step, fixed-in; never the id.
const shrinkOrder: [number, number][] = [[6, 12], [5, 12], [4, 14], [2, 16]];

function fitWidths(widths: number[], columns: number | undefined): number[] {
  if (columns === undefined) {
    return widths;
  }

  const fitted = [...widths];
  const total = (): number => fitted.reduce((a, b) => a + b, 0) + 2 * (fitted.length - 1);
  for (const [index, min] of shrinkOrder) {
    const over = total() - columns;
    if (over <= 0) {
      break;
    }

    fitted[index] = Math.max(min, (fitted[index] ?? 0) - over);
  }

  return fitted;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function summaryLine(report: ScanReport): string {
  const parts = [`${report.findings.length} vulnerabilities (${countsText(report.findings)})`,
    `in ${report.stats.packages} packages`];
  const { suppressed, expiredIgnores, stats, gate } = report;
  if (suppressed.length > 0) parts.push(`${suppressed.length} suppressed`);
  if (expiredIgnores.length > 0) parts.push(`${expiredIgnores.length} expired ignores`);
  if (stats.unknownVersions > 0) parts.push(`${stats.unknownVersions} with unreadable versions`);
  if (gate !== undefined) {
    parts.push(`${gate.failed ? 'FAILED' : 'passed'} --fail-on ${gate.failOn}`);
  }

  return parts.join('; ');
}
