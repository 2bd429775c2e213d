// What a scan hands to every output format: the image, the findings that remain after the
// policy, the ones it suppressed and why, and the facts a reader needs to trust the result.
import type { ImageSummary, Inventory, OsRelease, Warning } from '../../inventory/model.js';
import type { Finding } from '../../match/finding.js';
import type { IgnoreRule } from '../../match/ignore-file.js';
import type { MatchStats } from '../../match/match.js';
import { severities, type Severity } from '../../match/severity.js';

export interface ScanReport {
  image: ImageSummary;
  os?: OsRelease;
  /** The inventory that was matched, for formats that list every component. */
  inventory: Inventory;
  findings: Finding[];
  suppressed: Finding[];
  expiredIgnores: IgnoreRule[];
  warnings: Warning[];
  stats: MatchStats;
  database: { lastUpdate?: string; records: number };
  /** The `--fail-on` threshold and whether the findings crossed it. */
  gate?: { failOn: Severity; failed: boolean };
}

export interface VulnFormatOptions {
  colour: boolean;
  /** Terminal width for the table; when absent (not a TTY) nothing is cut. */
  columns?: number;
  now: Date;
  toolVersion: string;
  uuid?: string;
}

/** Counts findings per severity, every severity present (zero when none). */
export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(severities.map((s) => [s, 0])) as Record<Severity, number>;
  for (const finding of findings) {
    counts[finding.severity] += 1;
  }

  return counts;
}

/** Most severe first, then by id and package, so every format lists findings alike. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) =>
    severities.indexOf(b.severity) - severities.indexOf(a.severity)
    || a.package.target.localeCompare(b.package.target)
    || a.package.name.localeCompare(b.package.name)
    || a.vulnerability.id.localeCompare(b.vulnerability.id));
}

/** The highest CVSS base score of a finding, if any. */
export function topScore(finding: Finding): number | undefined {
  const scores = finding.cvss.map((c) => c.baseScore);
  return scores.length === 0 ? undefined : Math.max(...scores);
}
