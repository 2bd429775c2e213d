// Builds a scan report from an inventory: match, apply the policy, judge the gate. Pure: the
// advisory reader, version schemes and clock come in as arguments.
import type { AdvisoryReader } from '../../advisories/store.js';
import type { Inventory } from '../../inventory/model.js';
import { matchInventory, type MatchOptions } from '../../match/match.js';
import { applyPolicy, failingFindings, type ScanPolicy } from '../../match/policy.js';
import type { Severity } from '../../match/severity.js';
import type { ScanReport } from './model.js';

export interface ScanOptions extends MatchOptions {
  policy: ScanPolicy;
  failOn?: Severity;
}

/** Matches `inventory` and applies the policy; never throws for bad package data. */
export function buildScanReport(
  inventory: Inventory,
  reader: AdvisoryReader,
  options: ScanOptions,
): ScanReport {
  const matched = matchInventory(inventory, reader, options);
  const outcome = applyPolicy(matched.findings, options.policy);
  const status = reader.status();
  const report: ScanReport = {
    image: inventory.image,
    inventory,
    findings: outcome.findings,
    suppressed: outcome.suppressed,
    expiredIgnores: outcome.expiredIgnores,
    warnings: [...inventory.warnings, ...matched.warnings],
    stats: matched.stats,
    database: {
      records: status.totalRecords,
      ...(status.lastUpdate === undefined ? {} : { lastUpdate: status.lastUpdate }),
    },
  };
  if (inventory.os !== undefined) {
    report.os = inventory.os;
  }

  if (options.failOn !== undefined) {
    const failed = failingFindings(outcome.findings, options.failOn).length > 0;
    report.gate = { failOn: options.failOn, failed };
  }

  return report;
}
