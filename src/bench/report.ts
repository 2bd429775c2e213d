// The benchmark's result, as a Markdown table for people and JSON for machines.
import type { Summary } from './measure.js';

export interface BenchResult {
  date: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    kernel: string;
    /** 1, 5 and 15 minute load averages when the run ended: other work on the machine. */
    loadAverage: number[];
  };
  mode: 'full' | 'quick';
  image: {
    reference: string;
    layers: number;
    compressedBytes: number;
    uncompressedBytes: number;
    files: number;
    entries: number;
  };
  runs: number;
  baseline: { command: string } & Summary;
  moat?: { command: string } & Summary;
  packages?: Record<string, number>;
  missing?: string;
}

export const TARGET_RATIO = 1.2;
export const TARGET_RSS_MIB = 256;
/** The full image must hold at least 1 GB (10^9 bytes) of uncompressed layers. */
export const MIN_FULL_BYTES = 1e9;

const MIB = 1024 * 1024;

/** A Markdown table of the result, with the targets beside the measured values. */
export function formatMarkdown(result: BenchResult): string {
  const { image, baseline, moat } = result;
  const rows: Array<[string, string]> = [
    ['date', result.date],
    ['machine', describeMachine(result.machine)],
    ['load average at the end (1, 5, 15 min)', result.machine.loadAverage.join(', ')],
    ['image', `\`${image.reference}\` (${result.mode})`],
    ['layers', String(image.layers)],
    ['size compressed / uncompressed', `${size(image.compressedBytes)} / ` +
      size(image.uncompressedBytes) + sizeTarget(result)],
    ['files (tar entries)', `${count(image.files)} (${count(image.entries)})`],
    [`baseline: \`tar -xzf\` of the layers into tmpfs, median of ${result.runs}`,
      times(baseline)],
  ];

  if (moat === undefined) {
    rows.push(['moat sbom', `not measured: ${result.missing ?? 'unknown reason'}`]);
    return table(rows);
  }

  const ratio = moat.seconds / baseline.seconds;
  const cpuRatio = moat.cpuSeconds / baseline.cpuSeconds;
  const rss = moat.peakRssKiB / 1024;
  rows.push(
    [`\`moat sbom --format json\`, median of ${result.runs}`, times(moat)],
    ['ratio moat / baseline, wall', `${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ` +
      verdict(ratio <= TARGET_RATIO)],
    ['ratio moat / baseline, CPU', `${cpuRatio.toFixed(2)}×`],
    ['moat peak RSS (max of runs)', `${rss.toFixed(0)} MiB (target ≤ ${TARGET_RSS_MIB} MiB) ` +
      verdict(rss <= TARGET_RSS_MIB)],
    ['packages found', formatCounts(result.packages)],
  );
  return table(rows);
}

function table(rows: Array<[string, string]>): string {
  const lines = ['| measure | value |', '| --- | --- |'];
  for (const [name, value] of rows) {
    lines.push(`| ${name} | ${value.replace(/\|/g, '\\|')} |`);
  }

  return `${lines.join('\n')}\n`;
}

function formatCounts(counts: Record<string, number> | undefined): string {
  if (counts === undefined) {
    return 'unknown';
  }

  const parts = Object.entries(counts).sort().map(([type, count]) => `${type} ${count}`);
  return parts.length === 0 ? 'none (the bench proves nothing)' : parts.join(', ');
}

function sizeTarget(result: BenchResult): string {
  if (result.mode === 'quick') {
    return '';
  }

  const ok = result.image.uncompressedBytes >= MIN_FULL_BYTES;
  return ` (target ≥ 1 GB uncompressed) ${verdict(ok)}`;
}

function times(summary: Summary): string {
  const all = summary.all.map((s) => s.toFixed(2)).join(', ');
  const cpu = summary.cpuSeconds.toFixed(2);
  return `${summary.seconds.toFixed(2)} s wall (runs: ${all}), ${cpu} s CPU`;
}

function verdict(ok: boolean): string {
  return ok ? '✅' : '❌';
}

function describeMachine(machine: BenchResult['machine']): string {
  return `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ` +
    `Linux ${machine.kernel}, Node ${machine.node}`;
}

function size(bytes: number): string {
  if (bytes >= 1024 * MIB) {
    return `${(bytes / 1024 / MIB).toFixed(2)} GiB`;
  }

  return `${(bytes / MIB).toFixed(1)} MiB`;
}

function count(value: number): string {
  return value.toLocaleString('en');
}
