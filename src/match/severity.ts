// One severity per finding, and where it came from: malicious packages are always critical;
// a distro's own rating (Debian urgency, Ubuntu priority) wins for its packages because it
// reflects how the distro builds them; otherwise the CVSS base score, then the GHSA label.
import type { OsvAffected, OsvSeverity } from '../advisories/osv.js';
import type { AdvisorySummary } from '../advisories/store.js';
import { isMalicious } from '../advisories/osv.js';
import { scoreCvss, type CvssScore } from '../advisories/cvss.js';

export const severities = ['unknown', 'negligible', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];

export interface Rating {
  severity: Severity;
  /** `malicious-package`, `debian-urgency`, `ubuntu-priority`, `cvss-v3.1`, `ghsa`, `none`. */
  source: string;
  cvss: CvssScore[];
}

/** Orders severities: negative when `a` is less severe than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return severities.indexOf(a) - severities.indexOf(b);
}

/** Parses a user-given severity name (case-insensitive); undefined when unknown. */
export function parseSeverity(text: string): Severity | undefined {
  const lower = text.trim().toLowerCase();
  return severities.find((s) => s === lower);
}

/** Rating bands of CVSS v3.x/v4.0 (spec §5) and v2.0 (NVD: no "critical" band). */
export function severityFromScore(score: CvssScore): Severity {
  const { baseScore: s } = score;
  if (score.version === '2.0') {
    return s >= 7 ? 'high' : s >= 4 ? 'medium' : 'low';
  }

  if (s >= 9) return 'critical';
  if (s >= 7) return 'high';
  if (s >= 4) return 'medium';
  return s > 0 ? 'low' : 'negligible';
}

const debianUrgency: Record<string, Severity> = {
  unimportant: 'negligible',
  low: 'low',
  medium: 'medium',
  high: 'high',
};

const ghsaLabels: Record<string, Severity> = {
  LOW: 'low',
  MODERATE: 'medium',
  HIGH: 'high',
  CRITICAL: 'critical',
};

// v3.x first: it is the version bank SLAs and most feeds are written against.
const cvssPreference = ['3.1', '3.0', '4.0', '2.0'];

/** Rates one affected entry of a record. */
export function rateAdvisory(record: AdvisorySummary, entry: OsvAffected): Rating {
  const scoreAll = (list: OsvSeverity[] | undefined): CvssScore[] => (list ?? [])
    .filter((s) => s.type.startsWith('CVSS_'))
    .map((s) => scoreCvss(s.score))
    .filter((s): s is CvssScore => s !== undefined);
  // Record-level vectors were scored when the record was stored; score them here only for
  // summaries written before that.
  const cvss = [...scoreAll(entry.severity), ...(record.cvss ?? scoreAll(record.severity))];

  if (isMalicious(record.id)) {
    return { severity: 'critical', source: 'malicious-package', cvss };
  }

  const distro = distroRating(record, entry);
  if (distro !== undefined) {
    return { ...distro, cvss };
  }

  const best = [...cvss].sort((a, b) =>
    cvssPreference.indexOf(a.version) - cvssPreference.indexOf(b.version))[0];
  if (best !== undefined) {
    return { severity: severityFromScore(best), source: `cvss-v${best.version}`, cvss };
  }

  const label = record.database_specific?.severity;
  if (typeof label === 'string' && ghsaLabels[label] !== undefined) {
    return { severity: ghsaLabels[label], source: 'ghsa', cvss };
  }

  return { severity: 'unknown', source: 'none', cvss };
}

function distroRating(
  record: AdvisorySummary,
  entry: OsvAffected,
): Omit<Rating, 'cvss'> | undefined {
  const urgency = entry.ecosystem_specific?.urgency;
  if (typeof urgency === 'string') {
    const severity = debianUrgency[urgency.replace(/\*+$/, '')];
    if (severity !== undefined) {
      return { severity, source: 'debian-urgency' };
    }
  }

  const ubuntu = [...(entry.severity ?? []), ...(record.severity ?? [])]
    .find((s) => s.type === 'Ubuntu');
  const priority = ubuntu === undefined ? undefined : debianUrgency[ubuntu.score.toLowerCase()];
  if (priority !== undefined) {
    return { severity: priority, source: 'ubuntu-priority' };
  }

  return undefined;
}
