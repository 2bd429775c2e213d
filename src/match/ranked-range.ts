// Compiled ranges of one package name with each event version replaced by its rank among all
// the name's event versions under one scheme: the installed version is placed among them by
// one binary search per name, and every range is then evaluated with integer comparisons.
import type { ParsedScheme } from '../versions/parsed-scheme.js';
import { readVersion, type CompiledRange } from './compiled-range.js';
import { inEvents, type RangeEvent } from './range-events.js';

/** The distinct event versions of a name under one scheme, in order. */
export interface Ladder {
  scheme: ParsedScheme<unknown>;
  compare: (a: unknown, b: unknown) => number;
  steps: unknown[];
}

/** The place `placeOf` gives a version its ladder's scheme cannot read. */
export const UNREADABLE = -2;

/** An event with each version as twice its step's index, so a position between is odd. */
type RankedEvent = RangeEvent<number>;

export interface RankedRange {
  sorted: RankedEvent[];
  fixed: { text: string; rank: number }[];
}

/** The ladder of every version the ranges name; they must share one scheme. */
export function ladderOf(ranges: readonly CompiledRange<unknown>[]): Ladder | undefined {
  const first = ranges[0];
  if (first === undefined) {
    return undefined;
  }

  const { scheme } = first;
  const compare = scheme.compareParsed;
  const all: unknown[] = [];
  for (const range of ranges) {
    for (const e of range.sorted) {
      all.push(e.introduced, e.fixed, e.lastAffected, e.limit);
    }

    for (const f of range.fixed) {
      all.push(f.parsed);
    }
  }

  const sorted = all.filter((v) => v !== undefined).sort(compare);
  const steps: unknown[] = [];
  for (const v of sorted) {
    if (steps.length === 0 || compare(steps[steps.length - 1], v) !== 0) {
      steps.push(v);
    }
  }

  return { scheme, compare, steps };
}

/** Where `version` sits on `ladder` (see `placeOn`), or UNREADABLE; never throws. */
export function placeOf(ladder: Ladder, version: string): number {
  const read = readVersion(version, ladder.scheme);
  return read.ok ? placeOn(ladder, read.value) : UNREADABLE;
}

/** Where `value` sits on `ladder`: 2i when equal to step i, 2i - 1 when just below it. */
export function placeOn(ladder: Ladder, value: unknown): number {
  let lo = 0;
  let hi = ladder.steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = ladder.compare(value, ladder.steps[mid]);
    if (c === 0) {
      return 2 * mid;
    }

    if (c < 0) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }

  return 2 * lo - 1;
}

/** `range` with its versions ranked on `ladder`, which must hold them all. */
export function rankRange(range: CompiledRange<unknown>, ladder: Ladder): RankedRange {
  const rank = (v: unknown) => (v === undefined ? undefined : placeOn(ladder, v));
  const sorted = range.sorted.map((e) => {
    const made: RankedEvent = { introducedZero: e.introducedZero };
    const introduced = rank(e.introduced);
    const fixed = rank(e.fixed);
    const lastAffected = rank(e.lastAffected);
    const limit = rank(e.limit);
    if (introduced !== undefined) made.introduced = introduced;
    if (fixed !== undefined) made.fixed = fixed;
    if (lastAffected !== undefined) made.lastAffected = lastAffected;
    if (limit !== undefined) made.limit = limit;
    return made;
  });
  const fixed = range.fixed.map((f) => ({ text: f.text, rank: placeOn(ladder, f.parsed) }));
  return { sorted, fixed };
}

/** `evaluateCompiled` for a readable version at position `at` of the range's ladder. */
export function evaluateRanked(at: number, range: RankedRange): 'affected' | 'not-affected' {
  return inEvents(range.sorted, (bound) => at - bound) ? 'affected' : 'not-affected';
}

/** `fixedAfterCompiled` for a readable version at position `at`. */
export function fixedAfterRanked(at: number, range: RankedRange): string[] {
  const found: string[] = [];
  for (const { text, rank } of range.fixed) {
    if (at < rank) {
      found.push(text);
    }
  }

  return found;
}
