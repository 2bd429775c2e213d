// Turns a scan report into text in the chosen format.
import { formatScanCycloneDx } from './cyclonedx.js';
import { formatScanJson } from './json.js';
import type { ScanReport, VulnFormatOptions } from './model.js';
import { formatScanOpenVex } from './openvex.js';
import { formatScanSarif } from './sarif.js';
import { formatScanTable } from './table.js';

export const SCAN_FORMATS = ['table', 'json', 'sarif', 'cyclonedx', 'openvex'] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

const writers: Record<ScanFormat, (r: ScanReport, o: VulnFormatOptions) => string> = {
  table: formatScanTable,
  json: formatScanJson,
  sarif: formatScanSarif,
  cyclonedx: formatScanCycloneDx,
  openvex: formatScanOpenVex,
};

/** Renders `report` as `format`. */
export function formatScan(report: ScanReport, format: ScanFormat, options: VulnFormatOptions):
  string {
  return writers[format](report, options);
}
