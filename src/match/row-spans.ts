// Which of a package name's rows can hit a version, told from flat arrays. A held matcher
// meets most versions of a name for the first time, and walking each row's objects for every
// new version cost more in cache misses than the comparisons did: the places each row's
// ranges cover are laid out once, side by side, so finding the rows to evaluate is a scan of
// a few typed arrays. Where a span alone decides its row's hit (the row has one range, and
// no fixed version's place falls inside the span), the hit is made once and shared, so such
// a row is not evaluated at all.
import type { OsvAffected } from '../advisories/osv.js';
import { entryVerdict } from './range.js';
import { UNREADABLE, type RankedRange } from './ranked-range.js';
import type { LookupHit } from './template.js';

/** What a row shows for its spans: its ranked ranges, or that it must always be evaluated. */
export interface SpannedRow {
  advisoryId: string;
  ecosystem: string;
  /** The row's entry as a hit lists it, shared by its hits and never changed. */
  entries: readonly OsvAffected[];
  /** Each range's ladder and ranked form; undefined when the row is evaluated by strings. */
  slots: readonly { ladder: number; ranked: RankedRange }[] | undefined;
  /** True when the row's `versions` list can only be asked, so any version may hit it. */
  asksList: boolean;
}

/** Every row's covered places, one entry per span, in row order. */
export interface RowSpans {
  count: number;
  /**
   * Per span, side by side so a scan reads one stretch of memory: its row, its ladder
   * (ALWAYS for a row evaluated whatever the version), and the first and last place covered.
   */
  data: Float64Array;
  /** The hit any readable version in the span gives its row, when the span alone decides. */
  hit: (LookupHit | undefined)[];
}

/** The ladder of a span that covers every version. */
export const ALWAYS = -1;

// The fields of one span in `data`.
const STRIDE = 4;
const ROW = 0;
const LADDER = 1;
const FROM = 2;
const TO = 3;

/**
 * The spans of `rows`, in row order. A row hit only through its `versions` list has none: its
 * name's listing finds it.
 */
export function rowSpansOf(rows: readonly SpannedRow[]): RowSpans {
  const data: number[] = [];
  const hit: (LookupHit | undefined)[] = [];
  const add = (at: number, on: number, low: number, high: number, made?: LookupHit) => {
    data.push(at, on, low, high);
    hit.push(made);
  };

  rows.forEach((r, at) => {
    if (r.slots === undefined || r.asksList) {
      add(at, ALWAYS, -Infinity, Infinity);
      return;
    }

    for (const slot of r.slots) {
      const { spans } = slot.ranked;
      for (let i = 0; i < spans.length; i += 2) {
        const low = spans[i] as number;
        const high = spans[i + 1] as number;
        add(at, slot.ladder, low, high,
          r.slots.length === 1 ? spanHit(r, slot.ranked, low, high) : undefined);
      }

      // A range covering no readable place may still give an unreadable version `unknown`.
      if (spans.length === 0) {
        add(at, slot.ladder, Infinity, -Infinity);
      }
    }
  });
  return { count: hit.length, data: Float64Array.from(data), hit };
}

/** The row of span `k`, which must exist. */
export function rowOfSpan(spans: RowSpans, k: number): number {
  return spans.data[k * STRIDE + ROW] as number;
}

/**
 * The hit of a one-range row for every place from `low` to `high`, which the range covers:
 * `affected`, with the fixed versions above the span, as `evaluateRow` gives them. Undefined
 * when a fixed version's place lies inside, so the list depends on the place.
 */
function spanHit(r: SpannedRow, ranked: RankedRange, low: number, high: number):
  LookupHit | undefined {
  if (ranked.fixed.some(({ rank }) => low < rank && rank <= high)) {
    return undefined;
  }

  const above = ranked.fixed.filter(({ rank }) => rank > high).map(({ text }) => text);
  const { fixed } = entryVerdict('affected', above, 0);
  // Shared by every look-up the span decides, so never changed; not frozen, as copying a
  // frozen list takes a builtin's slow path.
  return { ecosystem: r.ecosystem, advisoryId: r.advisoryId,
    entries: r.entries as OsvAffected[], status: 'affected', fixed };
}

/**
 * The first span from `k` on whose row may hit the version, or `spans.count`: one covering its
 * place, or on a ladder its scheme cannot read the version for (the row then decides).
 * `places` holds the version's place on each ladder, as `placeOf` gives it.
 */
export function nextCovered(spans: RowSpans, places: readonly number[], k: number): number {
  const { data } = spans;
  let at = k;
  while (at < spans.count) {
    const base = at * STRIDE;
    const on = data[base + LADDER] as number;
    if (on === ALWAYS) {
      return at;
    }

    const place = places[on] as number;
    if (place === UNREADABLE
      || ((data[base + FROM] as number) <= place && place <= (data[base + TO] as number))) {
      return at;
    }

    at += 1;
  }

  return at;
}

/** The shared hit of span `k`, found by `nextCovered`, when it alone decides for the version. */
export function readyHit(spans: RowSpans, places: readonly number[], k: number):
  LookupHit | undefined {
  const on = spans.data[k * STRIDE + LADDER] as number;
  // An unreadable version reaches every span of its ladder: its row must decide.
  return on === ALWAYS || places[on] === UNREADABLE ? undefined : spans.hit[k];
}
