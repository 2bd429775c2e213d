// A one-line progress bar on stderr for long image reads: `layer 3/7  412 MB / 1.1 GB  [###--]`.
// Drawn only for a person at a terminal (not in CI, not piped, not with NO_COLOR or a dumb
// terminal), at most ten times a second, and erased when the work is done.
import type { Progress } from '../image/types.js';
import { type CliIo, wantsColour } from './io.js';

export interface ProgressBar {
  update(progress: Progress): void;
  /** Erases the bar; later updates are ignored. */
  done(): void;
}

export interface ProgressOptions {
  /** Shown before the counts: `reading debian:12`. */
  label: string;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
}

const MIN_INTERVAL_MS = 100;
const BAR_WIDTH = 20;
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];
const NO_PROGRESS: ProgressBar = { update: () => undefined, done: () => undefined };

/** `412 MB`, `1.1 GB`: SI units, at most one decimal. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }

  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

function fraction(p: Progress): number {
  const raw = p.totalBytes > 0 ? p.bytes / p.totalBytes : p.layers > 0 ? p.layer / p.layers : 0;
  return Math.min(1, Math.max(0, raw));
}

/** The bar's text for one progress report, cut to `columns` when given. */
export function renderProgress(label: string, p: Progress, columns?: number): string {
  const filled = Math.round(fraction(p) * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const bytes = `${formatBytes(p.bytes)} / ${formatBytes(p.totalBytes)}`;
  const line = `${label}  layer ${p.layer}/${p.layers}  ${bytes}  ${bar}`;
  // Stay one short of the width so the terminal never wraps the line.
  return columns === undefined || columns < 2 ? line : line.slice(0, columns - 1);
}

/** A progress bar on `io.stderr`, or one that does nothing when nobody is watching. */
export function createProgress(io: CliIo, options: ProgressOptions): ProgressBar {
  const ci = io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== 'false';
  if (ci || !wantsColour(io, 'stderr')) {
    return NO_PROGRESS;
  }

  const now = options.now ?? Date.now;
  let lastDraw = -Infinity;
  let drawn = false;
  let finished = false;
  return {
    update(progress) {
      const time = now();
      if (finished || time - lastDraw < MIN_INTERVAL_MS) {
        return;
      }

      lastDraw = time;
      drawn = true;
      io.stderr.write(`\r${renderProgress(options.label, progress, io.stderr.columns)}\u001b[K`);
    },
    done() {
      if (drawn && !finished) {
        io.stderr.write('\r\u001b[K');
      }

      finished = true;
    },
  };
}
