// The advisory benchmark's result and its Markdown table, targets beside the measured values.
import type { Measurement, Summary } from './measure.js';

export const IMPORT_TARGET_SECONDS = 30;
export const MATCH_TARGET_MS = 100;
export const SCAN_TARGET_RATIO = 1.3;

export interface VulnBenchResult {
  date: string;
  mode: 'full' | 'quick';
  /** `moat db import` of every `.jsonl` file, timed from outside; the file size after. */
  import: Measurement & { files: number; dbBytes: number };
  /** In-process `matchInventory`; the database open is timed apart and not included. */
  matching: {
    packages: number;
    findings: number;
    openMs: number;
    /** The first match after opening: empty SQLite page cache of this connection, cold JIT. */
    coldMs: number;
    /** Process CPU time (user + system, every thread): steadier than wall time under load. */
    coldCpuMs: number;
    /** Median of the warm runs, and every warm run in order. */
    warmMs: number;
    warmCpuMs: number;
    /** Median time of the warm runs spent in store reads (SQL and JSON parsing). */
    warmReadMs: number;
    warmAll: number[];
  };
  scan?: { reference: string; baseline: Summary; moat: Summary; ratio: number };
}

const MIB = 1024 * 1024;

/** A Markdown table of `result`. */
export function formatVulnBench(result: VulnBenchResult): string {
  const { import: imported, matching, scan } = result;
  const rows: Array<[string, string]> = [
    ['date', `${result.date} (${result.mode})`],
    [`\`moat db import\` of ${imported.files} OSV files (target ≤ ${IMPORT_TARGET_SECONDS} s)`,
      `${imported.seconds.toFixed(1)} s wall, ${imported.cpuSeconds.toFixed(1)} s CPU, `
      + `peak RSS ${(imported.peakRssKiB / 1024).toFixed(0)} MiB ${mark(imported.seconds
        <= IMPORT_TARGET_SECONDS)}`],
    ['database size', `${(imported.dbBytes / MIB).toFixed(0)} MiB`],
    [`matching ${matching.packages.toLocaleString('en')} packages `
      + `(target ≤ ${MATCH_TARGET_MS} ms warm), findings`, matching.findings.toLocaleString('en')],
    ['matching: first call after opening (cold)',
      `${ms(matching.coldMs)} (CPU ${ms(matching.coldCpuMs)})`],
    [`matching: median of ${matching.warmAll.length} warm calls`,
      `${ms(matching.warmMs)} ${mark(matching.warmMs <= MATCH_TARGET_MS)} `
      + `(CPU ${ms(matching.warmCpuMs)}; all: `
      + `${matching.warmAll.map((t) => t.toFixed(0)).join(', ')} ms)`],
    ['matching, warm: of which store reads (SQL and JSON parsing)', ms(matching.warmReadMs)],
    ['opening the database (not in the matching times)', ms(matching.openMs)],
  ];

  if (scan === undefined) {
    rows.push(['`moat scan` against `tar -xzf`', 'not measured: no benchmark image']);
  } else {
    rows.push(
      [`baseline: \`tar -xzf\` of the layers into tmpfs, median of ${scan.baseline.all.length}`,
        `${scan.baseline.seconds.toFixed(2)} s`],
      [`\`moat scan ${scan.reference} --format json\`, median`,
        `${scan.moat.seconds.toFixed(2)} s, peak RSS `
        + `${(scan.moat.peakRssKiB / 1024).toFixed(0)} MiB`],
      [`ratio (target ≤ ${SCAN_TARGET_RATIO}×)`,
        `${scan.ratio.toFixed(2)}× ${mark(scan.ratio <= SCAN_TARGET_RATIO)}`],
    );
  }

  const lines = ['| measure | value |', '| --- | --- |',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`)];
  return `${lines.join('\n')}\n`;
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

function mark(met: boolean): string {
  return met ? '(met)' : '(missed)';
}
