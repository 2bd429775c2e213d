// OpenVEX v0.2.0 (https://github.com/openvex/spec): one `affected` statement per vulnerable
// package with the fix to apply, and `not_affected` for findings a VEX input suppressed.
import { createHash } from 'node:crypto';
import type { Finding } from '../../match/finding.js';
import { imagePurl } from '../image-purl.js';
import { sortFindings, type ScanReport, type VulnFormatOptions } from './model.js';

function product(finding: Finding, image: string | undefined): Record<string, unknown> {
  const component = { '@id': finding.package.purl };
  return image === undefined ? component : { '@id': image, subcomponents: [component] };
}

function statement(finding: Finding, image: string | undefined, timestamp: string):
  Record<string, unknown> {
  const base = {
    vulnerability: { name: finding.vulnerability.id, aliases: finding.vulnerability.aliases },
    timestamp,
    products: [product(finding, image)],
  };
  if (finding.suppressed?.by === 'vex') {
    return { ...base, status: 'not_affected', impact_statement: finding.suppressed.reason };
  }

  const fixed = finding.fixedVersions.join(', ');
  return {
    ...base,
    status: 'affected',
    action_statement: fixed === '' ? 'No fix is available yet; mitigate or accept the risk.'
      : `Upgrade ${finding.package.name} to ${fixed}.`,
  };
}

/** Renders the findings as an OpenVEX document. */
export function formatScanOpenVex(report: ScanReport, options: VulnFormatOptions): string {
  const image = imagePurl(report.image);
  const timestamp = options.now.toISOString();
  const vexSuppressed = report.suppressed.filter((f) => f.suppressed?.by === 'vex');
  const statements = [...sortFindings(report.findings), ...sortFindings(vexSuppressed)]
    .map((f) => statement(f, image, timestamp));
  const id = options.uuid ?? createHash('sha256')
    .update(JSON.stringify([report.image, statements])).digest('hex').slice(0, 32);

  const doc = {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://openvex.dev/docs/moat/${id}`,
    author: 'Moat',
    role: 'Scanner',
    timestamp,
    version: 1,
    tooling: `moat ${options.toolVersion}`,
    statements,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
