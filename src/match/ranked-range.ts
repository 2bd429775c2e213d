// Compiled ranges of one package name with each event version replaced by its rank among all
// the name's event versions under one scheme: the installed version is placed among them by
// one binary search per name. Each range then keeps the places it covers as a few integer
// spans, worked out once from its events by the shared OSV rule, so evaluating a range for a
// new version is a comparison or two, with no closure or allocation.
import type { OsvRange } from '../advisories/osv.js';
import type { ParsedScheme } from '../versions/parsed-scheme.js';
import type { CompiledRange } from './compiled-range.js';
import { inEvents, type RangeEvent } from './range-events.js';

/** The distinct event versions of a name under one scheme, in order. */
export interface Ladder {
  scheme: ParsedScheme<unknown>;
  compare: (a: unknown, b: unknown) => number;
  steps: unknown[];
  /**
   * The place of each version string the ranges spell out (see `nameSteps`): a version
   * written as one of them is placed by one look-up, without parsing or searching.
   */
  named: Map<string, number>;
}

/** The place `placeOf` gives a version its ladder's scheme cannot read. */
export const UNREADABLE = -2;

/** An event with each version as twice its step's index, so a position between is odd. */
type RankedEvent = RangeEvent<number>;

export interface RankedRange {
  sorted: RankedEvent[];
  fixed: { text: string; rank: number }[];
  /**
   * The places the range covers, as ascending inclusive pairs `[from, to, from, to, …]`;
   * the first `from` may be -Infinity and the last `to` Infinity.
   */
  spans: number[];
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

  return { scheme, compare, steps, named: new Map() };
}

/** Adds the versions `range` spells out to `ladder.named`; the ladder must hold them all. */
export function nameSteps(ladder: Ladder, range: OsvRange): void {
  for (const event of range.events) {
    // `introduced: "0"` stands before every version and is no step.
    const introduced = event.introduced === '0' ? undefined : event.introduced;
    for (const text of [introduced, event.fixed, event.last_affected, event.limit]) {
      if (text !== undefined && !ladder.named.has(text)) {
        ladder.named.set(text, placeOn(ladder, ladder.scheme.parse(text)));
      }
    }
  }
}

/** Where `version` sits on `ladder` (see `placeOn`), or UNREADABLE; never throws. */
export function placeOf(ladder: Ladder, version: string): number {
  const named = ladder.named.get(version);
  if (named !== undefined) {
    return named;
  }

  // Parsed straight from the scheme's cache: this runs once per looked-up name and ladder.
  let value: unknown;
  try {
    value = ladder.scheme.parse(version);
  } catch {
    return UNREADABLE;
  }

  return placeOn(ladder, value);
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
  return { sorted, fixed, spans: spansOf(sorted) };
}

/**
 * The places `sorted` covers. Every comparison the rule makes has one sign between two
 * neighbouring event ranks, so the verdict is the same across each such gap: the rule is asked
 * once at each rank and once inside each gap (ranks are even, so `rank + 1` lies inside).
 */
export function spansOf(sorted: readonly RankedEvent[]): number[] {
  const ranks = [...new Set(sorted.flatMap((e) => [e.introduced, e.fixed, e.lastAffected,
    e.limit]).filter((r): r is number => r !== undefined))].sort((a, b) => a - b);
  const spans: number[] = [];
  const piece = (from: number, to: number, probe: number) => {
    if (!inEvents(sorted, (bound) => probe - bound)) {
      return;
    }

    // A piece next to the last span found extends it.
    if (spans.length > 0 && spans[spans.length - 1] === from - 1) {
      spans[spans.length - 1] = to;
    } else {
      spans.push(from, to);
    }
  };

  let below = -Infinity;
  for (const rank of ranks) {
    piece(below, rank - 1, rank - 1);
    piece(rank, rank, rank);
    below = rank + 1;
  }

  piece(below, Infinity, ranks.length === 0 ? 0 : below);
  return spans;
}

/** `evaluateCompiled` for a readable version at position `at` of the range's ladder. */
export function evaluateRanked(at: number, range: RankedRange): 'affected' | 'not-affected' {
  const { spans } = range;
  for (let i = 0; i < spans.length; i += 2) {
    if (at < (spans[i] as number)) {
      break;
    }

    if (at <= (spans[i + 1] as number)) {
      return 'affected';
    }
  }

  return 'not-affected';
}

/**
 * `fixedAfterCompiled` for a readable version at position `at`, appended to `into` when
 * given; a list is made only when some fixed version is newer.
 */
export function fixedAfterRanked(at: number, range: RankedRange, into?: string[]): string[] {
  let found = into;
  for (const { text, rank } of range.fixed) {
    if (at < rank) {
      // A literal holds one element; an empty list grown by a push reserves seventeen.
      if (found === undefined) {
        found = [text];
      } else {
        found.push(text);
      }
    }
  }

  return found ?? [];
}
