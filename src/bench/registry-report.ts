// The registry benchmark's result and its Markdown table: skopeo push and pull throughput and
// manifest GET rate and latency, Moat beside the reference registry, with the ratios and
// whether each meets its target.
import type { Summary } from './measure.js';
import { ratio } from './registry-stats.js';

/** One copy direction against one registry: the wall times and the median throughput. */
export interface CopySeries extends Summary {
  megabytesPerSecond: number;
  /** Median CPU time the registry's server process spent on the copy. */
  serverCpuSeconds: number;
}

/** Manifest GETs against one registry, medians over the runs. */
export interface LoadSeries {
  rps: number;
  allRps: number[];
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Median CPU time of the load generator process. */
  clientCpuSeconds: number;
  /** Median server CPU time per answered GET, warm-up included, in microseconds. */
  serverCpuMicros: number;
}

export interface RegistrySide {
  push: CopySeries;
  pull: CopySeries;
  load?: LoadSeries;
}

export interface RegistryBenchResult {
  date: string;
  mode: 'quick' | 'full';
  runs: number;
  /** Load averages at the start and at the end. */
  loadAverage: { start: number[]; end: number[] };
  image: { layers: number; bytes: number; manifestDigest: string };
  connections: number;
  loadSeconds: number;
  reference?: RegistrySide;
  moat?: RegistrySide;
  /** Why the part did not run, or why manifest GETs were not measured. */
  skipped?: string;
  loadSkipped?: string;
}

/** Moat / reference: the copy throughputs must match, the manifest rate must be 1.5×. */
export const COPY_TARGET = 1.0;
export const RPS_TARGET = 1.5;

const fixed = (value: number, digits: number) => value.toFixed(digits);
const seconds = (s: CopySeries) => `${fixed(s.seconds, 2)} (${s.all.map((v) => fixed(v, 2))
  .join(', ')})`;

function judged(moat: number, reference: number, target: number): string[] {
  const r = ratio(moat, reference);
  if (r === undefined) {
    return ['—', `≥ ${fixed(target, 1)}×`, '—'];
  }

  return [`${fixed(r, 2)}×`, `≥ ${fixed(target, 1)}×`, r >= target ? 'yes' : 'no'];
}

// CPU ratios have no target: they say where the time goes on a machine busy with other work.
function cpuRatio(moat: number, reference: number): string {
  const r = ratio(moat, reference);
  return r === undefined ? '—' : `${fixed(r, 2)}×`;
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function copyRows(what: string, ref: CopySeries, moat: CopySeries): string[] {
  return [
    row([`${what} wall s, median (all runs)`, seconds(ref), seconds(moat), '', '', '']),
    row([`${what} MB/s`, fixed(ref.megabytesPerSecond, 1), fixed(moat.megabytesPerSecond, 1),
      ...judged(moat.megabytesPerSecond, ref.megabytesPerSecond, COPY_TARGET)]),
    row([`${what} server CPU s, median`, fixed(ref.serverCpuSeconds, 2),
      fixed(moat.serverCpuSeconds, 2), cpuRatio(moat.serverCpuSeconds, ref.serverCpuSeconds),
      '', '']),
  ];
}

function loadRows(ref: LoadSeries, moat: LoadSeries): string[] {
  const all = (l: LoadSeries) => `${Math.round(l.rps)} (${l.allRps.map(Math.round).join(', ')})`;
  return [
    row(['manifest GET requests/s, median (all runs)', all(ref), all(moat),
      ...judged(moat.rps, ref.rps, RPS_TARGET)]),
    row(['manifest GET p50 / p99 ms', `${fixed(ref.p50Ms, 2)} / ${fixed(ref.p99Ms, 2)}`,
      `${fixed(moat.p50Ms, 2)} / ${fixed(moat.p99Ms, 2)}`, '', '', '']),
    row(['server CPU µs per manifest GET, median', Math.round(ref.serverCpuMicros),
      Math.round(moat.serverCpuMicros), cpuRatio(moat.serverCpuMicros, ref.serverCpuMicros),
      '', '']),
    row(['failed GETs (all runs)', ref.errors, moat.errors, '', '', '']),
    row(['load generator CPU s, median', fixed(ref.clientCpuSeconds, 2),
      fixed(moat.clientCpuSeconds, 2), '', '', '']),
  ];
}

/** The result as Markdown: a heading line, the table, the load averages and any skip. */
export function formatRegistryBench(result: RegistryBenchResult): string {
  const mb = fixed(result.image.bytes / 1e6, 1);
  const lines = [`Registry, ${result.mode} mode, ${result.image.layers} layers (${mb} MB), ` +
    `median of ${result.runs} interleaved run(s):`, ''];
  const { reference, moat } = result;
  if (reference === undefined || moat === undefined) {
    lines.push(`registry bench not run: ${result.skipped ?? 'no result'}`);
    return `${lines.join('\n')}\n`;
  }

  lines.push(
    '| measure | reference registry | Moat | Moat / reference | target | met |',
    '|---|---|---|---|---|---|',
    ...copyRows('push (`skopeo copy oci: docker://`)', reference.push, moat.push),
    ...copyRows('pull (`skopeo copy docker:// oci:`)', reference.pull, moat.pull),
  );
  if (reference.load !== undefined && moat.load !== undefined) {
    lines.push(...loadRows(reference.load, moat.load));
  }

  lines.push('', 'each fresh server first took an untimed push and pull of an 8 MiB image of ' +
    'other layers (pushes with the same credentials as the timed one)',
  `manifest GETs: ${result.connections} keep-alive connections for ` +
    `${result.loadSeconds} s per run, anonymous on both, manifest ${result.image.manifestDigest}`,
  `load average: ${result.loadAverage.start.join(' ')} at the start, ` +
    `${result.loadAverage.end.join(' ')} at the end`);
  if (result.loadSkipped !== undefined) {
    lines.push('', `manifest GETs not measured: ${result.loadSkipped}`);
  }

  return `${lines.join('\n')}\n`;
}
