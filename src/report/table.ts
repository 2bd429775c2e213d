// The human view of an inventory: one table per target (OS packages, each lockfile, tree,
// binary or archive), columns aligned across the whole report. Truncates only when the caller
// passes a terminal width, and colours only when asked, so piped output stays plain.
import type { Inventory, Package } from '../inventory/model.js';
import { countByType } from './packages.js';
import { describeStep } from './steps.js';
import { groupByTarget } from './targets.js';

export interface TableOptions {
  /** Bold headers and dim layer text (ANSI SGR); the caller decides with `wantsColour`. */
  colour: boolean;
  /** Terminal width; when absent (not a TTY) nothing is truncated. */
  columns?: number;
}

interface Column {
  title: string;
  /** Widths the column is cut to when the terminal is too narrow: first `roomy`, then `min`. */
  roomy: number;
  min: number;
  cell: (pkg: Package) => string;
}

// Ecosystem names that only respell the type; anything else (Debian, Ubuntu, Alpine) is shown.
const PLAIN_ECOSYSTEM: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
};
// C0/C1 controls (ESC, CSI) and bidi overrides would let a package name rewrite the terminal.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const GAP = '  ';

// Limitation: widths count code points, so East Asian wide characters misalign columns.
function width(text: string): number {
  return [...text].length;
}

/** Replaces terminal control characters with `?`; package data is untrusted. */
export function sanitize(text: string): string {
  return text.replace(UNSAFE, '?');
}

function truncate(text: string, max: number): string {
  if (width(text) <= max) {
    return text;
  }

  const chars = [...text];
  return max <= 1 ? chars.slice(0, max).join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** `sha256:0123456789ab`: enough of a digest to recognise it. */
function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return digest.slice(0, colon + 13);
}

function typeCell(pkg: Package): string {
  return PLAIN_ECOSYSTEM[pkg.type] === pkg.ecosystem ? pkg.type : `${pkg.type}/${pkg.ecosystem}`;
}

function sourceCell(pkg: Package): string {
  const source = pkg.source;
  if (source === undefined) {
    return '';
  }

  const versionDiffers = source.version !== undefined && source.version !== pkg.version;
  if (source.name === pkg.name && !versionDiffers) {
    return '';
  }

  return versionDiffers ? `${source.name} ${source.version}` : source.name;
}

function layerCell(pkg: Package): string {
  if (pkg.layer === undefined) {
    return '-';
  }

  const step = describeStep(pkg.layer.createdBy);
  return `${pkg.layer.index} ${step === '' ? shortDigest(pkg.layer.digest) : step}`;
}

function chooseColumns(packages: readonly Package[]): Column[] {
  const columns: Column[] = [
    { title: 'NAME', roomy: 24, min: 16, cell: (p) => p.name },
    { title: 'VERSION', roomy: 40, min: 12, cell: (p) => p.version },
    { title: 'TYPE', roomy: 12, min: 6, cell: typeCell },
    { title: 'SOURCE', roomy: 14, min: 10, cell: sourceCell },
    { title: 'LAYER', roomy: 24, min: 12, cell: layerCell },
  ];
  const hasSource = packages.some((p) => sourceCell(p) !== '');
  return hasSource ? columns : columns.filter((c) => c.title !== 'SOURCE');
}

// Shrinks the most expendable columns first (layer text, source, name, version) to fit.
function fitWidths(columns: Column[], natural: number[], limit: number | undefined): number[] {
  const widths = [...natural];
  if (limit === undefined) {
    return widths;
  }

  const order = ['LAYER', 'SOURCE', 'NAME', 'VERSION', 'TYPE'];
  const total = () => totalWidth(widths);
  for (const floor of ['roomy', 'min'] as const) {
    for (const title of order) {
      const i = columns.findIndex((c) => c.title === title);
      const column = columns[i];
      const excess = total() - limit;
      if (column === undefined || excess <= 0) {
        continue;
      }

      const current = widths[i] as number;
      widths[i] = Math.max(Math.min(column[floor], current), current - excess);
    }
  }

  return widths;
}

interface Layout {
  columns: Column[];
  widths: number[];
}

function totalWidth(widths: readonly number[]): number {
  return widths.reduce((sum, w) => sum + w, 0) + GAP.length * (widths.length - 1);
}

// Cuts columns down to fit, then drops SOURCE and LAYER when even their minimum is too wide.
function layout(packages: readonly Package[], limit: number | undefined): Layout {
  let columns = chooseColumns(packages);
  for (;;) {
    // A reduce, not Math.max(...): an image can hold more packages than a call takes arguments.
    const natural = columns.map((c) =>
      packages.reduce((w, p) => Math.max(w, width(sanitize(c.cell(p)))), width(c.title)),
    );
    const widths = fitWidths(columns, natural, limit);
    const droppable = columns.find((c) => c.title === 'SOURCE' || c.title === 'LAYER');
    if (limit === undefined || totalWidth(widths) <= limit || droppable === undefined) {
      return { columns, widths };
    }

    columns = columns.filter((c) => c !== droppable);
  }
}

function headerLine(inventory: Inventory): string {
  const counts = countByType(inventory.packages).map(([type, n]) => `${type} ${n}`).join(', ');
  const os = inventory.os?.prettyName ?? inventory.os?.id ?? 'unknown OS';
  const total = inventory.packages.length;
  const { reference, manifestDigest } = inventory.image;
  const image = manifestDigest === undefined
    ? reference
    : `${reference} (${shortDigest(manifestDigest)})`;
  return `${image}  ${os}  ${total} packages${counts === '' ? '' : `: ${counts}`}`;
}

function summaryLine(inventory: Inventory, targets: number): string {
  const n = inventory.warnings.length;
  const layers = inventory.image.layers.length;
  const warnings = n === 0 ? '' : `, ${n} warning${n === 1 ? '' : 's'}`;
  return `${inventory.packages.length} packages in ${targets} targets, ${layers} layers${warnings}`;
}

/** Renders the inventory as text tables; ends with a newline. */
export function formatTable(inventory: Inventory, options: TableOptions): string {
  const bold = (s: string) => (options.colour ? `\u001b[1m${s}\u001b[22m` : s);
  const dim = (s: string) => (options.colour ? `\u001b[2m${s}\u001b[22m` : s);
  const fit = (s: string) => (options.columns === undefined ? s : truncate(s, options.columns));
  const targets = groupByTarget(inventory.packages);
  const { columns, widths } = layout(inventory.packages, options.columns);
  const layerAt = columns.findIndex((c) => c.title === 'LAYER');
  const line = (cells: string[], style: (s: string, i: number) => string) => {
    const padded = cells.map((cell, i) => {
      const w = widths[i] as number;
      const text = truncate(sanitize(cell), w);
      return i === cells.length - 1 ? text : text + ' '.repeat(w - width(text));
    });
    // Narrower than the narrowest layout: cut the plain line rather than let it wrap.
    const plain = padded.join(GAP);
    if (options.columns !== undefined && width(plain) > options.columns) {
      return style(truncate(plain, options.columns), -1);
    }

    return padded.map(style).join(GAP);
  };

  const out = [bold(fit(sanitize(headerLine(inventory))))];
  for (const target of targets) {
    const title = `${target.title} (${target.packages.length})`;
    out.push('', bold(fit(sanitize(title))), line(columns.map((c) => c.title), bold));
    for (const pkg of target.packages) {
      out.push(line(columns.map((c) => c.cell(pkg)), (s, i) => (i === layerAt ? dim(s) : s)));
    }
  }

  out.push('', fit(summaryLine(inventory, targets.length)));
  for (const warning of inventory.warnings) {
    const where = warning.path === undefined ? '' : ` ${warning.path}`;
    out.push(fit(sanitize(`warning ${warning.code}${where}: ${warning.message}`)));
  }

  return `${out.join('\n')}\n`;
}
