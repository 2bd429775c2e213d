// The advisory benchmark's result and its Markdown table, targets beside the measured values.
import type { Measurement, Summary } from './measure.js';
import type { MatchingRun, MatchingWay } from './vuln-match.js';

export const IMPORT_TARGET_SECONDS = 30;
export const MATCH_TARGET_MS = 100;
export const SCAN_TARGET_RATIO = 1.3;

export interface VulnBenchResult {
  date: string;
  mode: 'full' | 'quick';
  /** `moat db import` of every `.jsonl` file, timed from outside; the file size after. */
  import: Measurement & { files: number; dbBytes: number };
  /**
   * Each way of matching, measured in its own fresh process; the database open is timed apart
   * and not included. CPU times are the process's (user + system): steadier under load.
   */
  matching: {
    packages: number;
    findings: number;
    /** True when every way gave the same findings, in the same order. */
    identical: boolean;
    runs: MatchingRun[];
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
      + `(target ≤ ${MATCH_TARGET_MS} ms warm, held matcher), findings`,
      `${matching.findings.toLocaleString('en')}, `
      + `${matching.identical ? 'identical' : 'NOT identical'} in every way of matching`
      + digestOf(matching.runs)],
    ...matching.runs.flatMap(matchingRows),
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

const wayNames: Record<MatchingWay, string> = {
  'one-shot': '`matchInventory` (one-shot, as `moat scan`)',
  held: '`AdvisoryMatcher` held (as `moat serve`), same inventory again',
  'held-no-verdicts': '`AdvisoryMatcher` held, index kept but no verdicts (every version new)',
};

function matchingRows(run: MatchingRun): Array<[string, string]> {
  const name = wayNames[run.way];
  // The target is for a held matcher, whether its versions are new to it or not.
  const judged = run.way === 'one-shot' ? '' : ` ${mark(run.warmMs <= MATCH_TARGET_MS)}`;
  const warm = `${ms(run.warmMs)}${judged} (CPU ${ms(run.warmCpuMs)}; store reads `
    + `${ms(run.warmReadMs)}; all: ${run.warmAll.map((t) => t.toFixed(0)).join(', ')} ms)`;
  return [
    [`${name}: cold, first call in a fresh process`,
      `${ms(run.coldMs)} (CPU ${ms(run.coldCpuMs)}; store reads ${ms(run.coldReadMs)}; `
      + `open ${ms(run.openMs)} not included)`],
    [`${name}: median of ${run.warmAll.length} warm calls`,
      warm],
    [`${name}: resident memory after`, `${run.rssMiB.toFixed(0)} MiB`],
  ];
}

/** The start of the findings' SHA-256, to compare with earlier runs; empty without runs. */
function digestOf(runs: readonly MatchingRun[]): string {
  const [first] = runs;
  return first === undefined ? '' : ` (SHA-256 \`${first.digest.slice(0, 8)}…\`)`;
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

function mark(met: boolean): string {
  return met ? '(met)' : '(missed)';
}
