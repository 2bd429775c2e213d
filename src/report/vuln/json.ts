// Moat's scan JSON, documented in docs/scan-json.md. Field names are a contract: add fields,
// never rename or remove them without bumping `schemaVersion`.
import type { Finding } from '../../match/finding.js';
import { countBySeverity, sortFindings, type ScanReport, type VulnFormatOptions } from './model.js';

export const SCAN_SCHEMA_VERSION = '1';

function findingJson(finding: Finding): Record<string, unknown> {
  const { layer } = finding;
  return {
    kind: finding.kind,
    vulnerability: finding.vulnerability,
    package: finding.package,
    severity: finding.severity,
    severitySource: finding.severitySource,
    cvss: finding.cvss.map((c) => ({ version: c.version, vector: c.vector, score: c.baseScore })),
    status: finding.status,
    fixedVersions: finding.fixedVersions,
    fixState: finding.fixState,
    layer: layer === undefined ? null : {
      index: layer.index, digest: layer.digest, diffId: layer.diffId ?? null,
      createdBy: layer.createdBy ?? null,
    },
    ...(finding.suppressed === undefined ? {} : { suppressed: finding.suppressed }),
  };
}

/** Renders the scan as Moat JSON. */
export function formatScanJson(report: ScanReport, options: VulnFormatOptions): string {
  const doc = {
    schemaVersion: SCAN_SCHEMA_VERSION,
    tool: { name: 'moat', version: options.toolVersion },
    createdAt: options.now.toISOString(),
    image: report.image,
    os: report.os ?? null,
    database: report.database,
    summary: {
      packages: report.stats.packages,
      findings: report.findings.length,
      bySeverity: countBySeverity(report.findings),
      suppressed: report.suppressed.length,
      unknownVersions: report.stats.unknownVersions,
      gitRangesSkipped: report.stats.gitRangesSkipped,
      ...(report.gate === undefined ? {} : {
        failOn: report.gate.failOn,
        failed: report.gate.failed,
      }),
    },
    findings: sortFindings(report.findings).map(findingJson),
    suppressed: sortFindings(report.suppressed).map(findingJson),
    expiredIgnores: report.expiredIgnores,
    warnings: report.warnings,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
