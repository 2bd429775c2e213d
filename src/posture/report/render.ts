// Picks the output format the user asked for.
import { UsageError } from '../../errors.js';
import type { Control } from '../catalog/control.js';
import type { AuditReport } from '../finding.js';
import { renderJson, renderJsonChunks } from './json.js';
import { renderSarif, renderSarifChunks } from './sarif.js';
import { renderTable } from './table.js';

export const FORMATS = ['table', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

/** @throws UsageError for an unknown format name. */
export function parseFormat(value: string): Format {
  if (!FORMATS.includes(value as Format)) {
    throw new UsageError(`unknown format ${value}; use one of ${FORMATS.join(', ')}`);
  }

  return value as Format;
}

export interface RenderOptions {
  format: Format;
  catalog: Map<string, Control>;
  version: string;
  colour: boolean;
}

export function renderReport(report: AuditReport, options: RenderOptions): string {
  switch (options.format) {
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, options.catalog, options.version);
    default:
      return renderTable(report, options.colour);
  }
}

/** The same bytes as `renderReport`, in chunks: JSON and SARIF one finding at a time. */
export function renderReportChunks(report: AuditReport, options: RenderOptions): Iterable<string> {
  switch (options.format) {
    case 'json':
      return renderJsonChunks(report);
    case 'sarif':
      return renderSarifChunks(report, options.catalog, options.version);
    default:
      return [renderTable(report, options.colour)];
  }
}
