// The CI gate: which findings a scan reports and whether they fail the build. Suppressions
// (VEX `not_affected`, ignore-file entries) are kept with their reason so reports can show
// them; expired ignore entries stop applying and are listed.
import type { Finding } from './finding.js';
import { isExpired, type IgnoreRule } from './ignore-file.js';
import { compareSeverity, type Severity } from './severity.js';
import { productCovers, type VexStatement } from './vex.js';

export interface ScanPolicy {
  /** Report only these severities; undefined keeps all. */
  severities?: Severity[];
  ignoreUnfixed: boolean;
  ignores: IgnoreRule[];
  vex: VexStatement[];
  now: Date;
}

export interface PolicyOutcome {
  findings: Finding[];
  suppressed: Finding[];
  /** Ignore entries past their `expires` day: they no longer apply. */
  expiredIgnores: IgnoreRule[];
  /** Findings dropped by `--severity` or `--ignore-unfixed` (not suppressions). */
  filtered: number;
}

function idsOf(finding: Finding): string[] {
  return [finding.vulnerability.id, ...finding.vulnerability.aliases];
}

function ruleApplies(rule: IgnoreRule, finding: Finding): boolean {
  if (!idsOf(finding).includes(rule.id)) {
    return false;
  }

  const pkg = rule.package;
  return pkg === undefined || pkg === finding.package.name || pkg === finding.package.advisoryName
    || productCovers(pkg, finding.package.purl);
}

function vexFor(statements: VexStatement[], finding: Finding): VexStatement | undefined {
  const ids = idsOf(finding);
  return statements.find((s) => s.status === 'not_affected' && ids.includes(s.vulnerability)
    && s.products.some((p) => productCovers(p, finding.package.purl)));
}

/** Applies filters and suppressions; pure. */
export function applyPolicy(all: Finding[], policy: ScanPolicy): PolicyOutcome {
  const expiredIgnores = policy.ignores.filter((r) => isExpired(r, policy.now));
  const active = policy.ignores.filter((r) => !isExpired(r, policy.now));
  const outcome: PolicyOutcome = { findings: [], suppressed: [], expiredIgnores, filtered: 0 };

  for (const finding of all) {
    const unwantedSeverity = policy.severities !== undefined
      && !policy.severities.includes(finding.severity);
    if (unwantedSeverity || (policy.ignoreUnfixed && finding.fixState === 'not-fixed')) {
      outcome.filtered += 1;
      continue;
    }

    const statement = vexFor(policy.vex, finding);
    const rule = active.find((r) => ruleApplies(r, finding));
    if (statement !== undefined) {
      outcome.suppressed.push({ ...finding,
        suppressed: { by: 'vex', reason: statement.justification ?? 'not_affected' } });
    } else if (rule !== undefined) {
      const until = rule.expires === undefined ? '' : ` (until ${rule.expires})`;
      outcome.suppressed.push({ ...finding,
        suppressed: { by: 'ignore-file', reason: `${rule.reason}${until}` } });
    } else {
      outcome.findings.push(finding);
    }
  }

  return outcome;
}

/** The findings at or above `threshold` that fail the gate. */
export function failingFindings(findings: Finding[], threshold: Severity): Finding[] {
  return findings.filter((f) => compareSeverity(f.severity, threshold) >= 0);
}
