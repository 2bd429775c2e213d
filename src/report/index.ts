// The one entry point for turning an inventory into text: the CLI and the server pick a
// format by name and pass the clock, tool version and terminal facts in.
import type { Inventory } from '../inventory/model.js';
import { formatCycloneDx } from './cyclonedx.js';
import { ReportError } from './errors.js';
import { formatJson } from './json.js';
import { formatSpdx } from './spdx.js';
import { formatTable } from './table.js';
import { isUuid } from './uuid.js';

export const INVENTORY_FORMATS = ['table', 'json', 'cyclonedx', 'spdx'] as const;

export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

export interface FormatOptions {
  /** ANSI colours in the table; decide with `wantsColour(io)`. */
  colour: boolean;
  /** Terminal width for the table when stdout is a TTY; undefined means never truncate. */
  columns?: number;
  /** Document creation time for CycloneDX and SPDX. */
  now: Date;
  /** Moat's version, recorded as the creating tool. */
  toolVersion: string;
  /** A random UUID for the CycloneDX serial number or SPDX namespace; derived when absent. */
  uuid?: string;
}

/** True when `name` is one of the inventory formats. */
export function isInventoryFormat(name: string): name is InventoryFormat {
  return (INVENTORY_FORMATS as readonly string[]).includes(name);
}

/**
 * Renders an inventory in the chosen format.
 * @throws ReportError `UNKNOWN_FORMAT` for a format not in INVENTORY_FORMATS, and
 *   `INVALID_OPTION` when `uuid` is not a lower-case hyphenated UUID.
 */
export function formatInventory(
  inventory: Inventory,
  format: InventoryFormat,
  options: FormatOptions,
): string {
  if (options.uuid !== undefined && !isUuid(options.uuid)) {
    throw new ReportError('INVALID_OPTION', `uuid ${JSON.stringify(options.uuid)} is not a UUID`);
  }

  const { now, toolVersion, uuid } = options;
  const documentOptions = { now, toolVersion, uuid };
  switch (format) {
    case 'table':
      return formatTable(inventory, { colour: options.colour, columns: options.columns });
    case 'json':
      return formatJson(inventory);
    case 'cyclonedx':
      return formatCycloneDx(inventory, documentOptions);
    case 'spdx':
      return formatSpdx(inventory, documentOptions);
    default: {
      const choices = INVENTORY_FORMATS.join(', ');
      const message = `unknown format ${String(format)}; use one of ${choices}`;
      throw new ReportError('UNKNOWN_FORMAT', message);
    }
  }
}
