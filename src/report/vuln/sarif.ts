// SARIF 2.1.0 (OASIS) for GitHub code scanning: one rule per vulnerability with the
// `security-severity` property GitHub ranks by, one result per vulnerable package, located at
// the file that declared the package inside the image.
import type { Finding } from '../../match/finding.js';
import type { Severity } from '../../match/severity.js';
import { sortFindings, topScore, type ScanReport, type VulnFormatOptions } from './model.js';

// GitHub maps security-severity to its levels: >= 9 critical, >= 7 high, >= 4 medium, > 0 low.
const severityScore: Record<Severity, number> = {
  critical: 9.5, high: 8.0, medium: 5.5, low: 2.0, negligible: 0.5, unknown: 0.0,
};

function level(severity: Severity): 'error' | 'warning' | 'note' {
  if (severity === 'critical' || severity === 'high') return 'error';
  return severity === 'medium' ? 'warning' : 'note';
}

function securitySeverity(finding: Finding): string {
  const score = finding.kind === 'malicious'
    ? 10
    : topScore(finding) ?? severityScore[finding.severity];
  return score.toFixed(1);
}

function rule(finding: Finding): Record<string, unknown> {
  const { vulnerability: v } = finding;
  const title = v.summary ?? `${v.id} in ${finding.package.name}`;
  const also = v.aliases.length > 0 ? ` Also known as ${v.aliases.join(', ')}.` : '';
  return {
    id: v.id,
    name: v.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: title },
    fullDescription: { text: `${title}.${also}` },
    helpUri: v.references[0] ?? `https://osv.dev/vulnerability/${encodeURIComponent(v.id)}`,
    help: { text: `${title}.${also} References: ${v.references.slice(0, 5).join(' ')}` },
    properties: {
      'security-severity': securitySeverity(finding),
      tags: [...new Set(['security', 'vulnerability', finding.kind, finding.severity])],
      precision: finding.status === 'unknown' ? 'low' : 'very-high',
    },
  };
}

function message(finding: Finding): string {
  const { package: p } = finding;
  const fixed = finding.fixedVersions.length > 0
    ? `fixed in ${finding.fixedVersions.join(', ')}` : 'no fix available';
  return `${p.name} ${p.version} (${p.ecosystem}) is affected by ${finding.vulnerability.id}`
    + ` [${finding.severity}, ${finding.severitySource}]; ${fixed}.`;
}

function artifactUri(finding: Finding, report: ScanReport): string {
  const pkg = report.inventory.packages.find((p) => p.purl === finding.package.purl);
  const path = pkg?.locations[0]?.path ?? finding.package.target;
  return path.replace(/^\/+/, '') || 'image';
}

/** Renders the findings as a SARIF 2.1.0 log. */
export function formatScanSarif(report: ScanReport, options: VulnFormatOptions): string {
  const findings = sortFindings(report.findings);
  const rules = new Map<string, Record<string, unknown>>();
  for (const finding of findings) {
    if (!rules.has(finding.vulnerability.id)) {
      rules.set(finding.vulnerability.id, rule(finding));
    }
  }

  const ruleIds = [...rules.keys()];
  const results = findings.map((finding) => ({
    ruleId: finding.vulnerability.id,
    ruleIndex: ruleIds.indexOf(finding.vulnerability.id),
    level: level(finding.severity),
    message: { text: message(finding) },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: artifactUri(finding, report) },
        region: { startLine: 1 },
      },
      message: { text: `${report.image.reference}: ${finding.package.purl}` },
    }],
    partialFingerprints: {
      'moat/v1': `${finding.vulnerability.id}|${finding.package.purl}`,
    },
  }));

  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'Moat',
          version: options.toolVersion,
          semanticVersion: options.toolVersion,
          rules: [...rules.values()],
        },
      },
      results,
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
