// CycloneDX 1.6 with vulnerabilities: the inventory's BOM as Moat's SBOM writer makes it,
// plus `vulnerabilities[]` whose `affects` point at the components' bom-refs. Suppressed
// findings carry `analysis.state: not_affected` with the reason, which makes the BOM a VEX.
import { formatCycloneDx } from '../cyclonedx.js';
import type { Finding } from '../../match/finding.js';
import type { CvssScore } from '../../advisories/cvss.js';
import { sortFindings, type ScanReport, type VulnFormatOptions } from './model.js';

const methods: Record<CvssScore['version'], string> = {
  '2.0': 'CVSSv2', '3.0': 'CVSSv3', '3.1': 'CVSSv31', '4.0': 'CVSSv4',
};
const cdxSeverity = (s: Finding['severity']): string => (s === 'negligible' ? 'info' : s);

function ratings(finding: Finding): Record<string, unknown>[] {
  const list: Record<string, unknown>[] = finding.cvss.map((c) => ({
    score: c.baseScore, severity: cdxSeverity(finding.severity), method: methods[c.version],
    vector: c.vector,
  }));
  if (!finding.severitySource.startsWith('cvss-')) {
    list.unshift({
      source: { name: finding.severitySource },
      severity: cdxSeverity(finding.severity),
      method: 'other',
    });
  }

  return list;
}

function osvUrl(id: string): string {
  return `https://osv.dev/vulnerability/${encodeURIComponent(id)}`;
}

function vulnerability(finding: Finding, index: number, refOf: Map<string, string>):
  Record<string, unknown> {
  const { vulnerability: v } = finding;
  const fixed = finding.fixedVersions.join(', ');
  return {
    'bom-ref': `vulnerability-${index + 1}`,
    id: v.id,
    source: { name: 'OSV', url: osvUrl(v.id) },
    ...(v.aliases.length === 0 ? {} : {
      references: v.aliases.map((id) => ({ id, source: { name: 'OSV', url: osvUrl(id) } })),
    }),
    ratings: ratings(finding),
    ...(v.summary === undefined ? {} : { description: v.summary }),
    recommendation: fixed === '' ? 'No fix is available yet.' : `Upgrade to ${fixed}.`,
    ...(v.published === undefined ? {} : { published: v.published }),
    updated: v.modified,
    ...(finding.suppressed === undefined ? {} : {
      analysis: {
        state: 'not_affected',
        detail: `${finding.suppressed.by}: ${finding.suppressed.reason}`,
      },
    }),
    affects: [{
      ref: refOf.get(finding.package.purl) ?? finding.package.purl,
      versions: [{ version: finding.package.version, status: 'affected' }],
    }],
  };
}

/** Renders the inventory's CycloneDX 1.6 BOM with the scan's vulnerabilities. */
export function formatScanCycloneDx(report: ScanReport, options: VulnFormatOptions): string {
  const bom = JSON.parse(formatCycloneDx(report.inventory, {
    now: options.now, toolVersion: options.toolVersion,
    ...(options.uuid === undefined ? {} : { uuid: options.uuid }),
  })) as { components?: { purl?: string; 'bom-ref'?: string }[] } & Record<string, unknown>;

  const refOf = new Map<string, string>();
  for (const c of bom.components ?? []) {
    if (c.purl !== undefined && c['bom-ref'] !== undefined && !refOf.has(c.purl)) {
      refOf.set(c.purl, c['bom-ref']);
    }
  }

  const all = [...sortFindings(report.findings), ...sortFindings(report.suppressed)];
  bom.vulnerabilities = all.map((f, i) => vulnerability(f, i, refOf));
  return `${JSON.stringify(bom, null, 2)}\n`;
}
