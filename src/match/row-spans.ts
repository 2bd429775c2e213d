// Which of a package name's rows can hit a version, told from flat arrays. A held matcher
// meets most versions of a name for the first time, and walking each row's objects for every
// new version cost more in cache misses than the comparisons did: the places each row's
// ranges cover are laid out once, side by side, so finding the rows to evaluate is a scan of
// a few typed arrays, and only those rows are then evaluated in full.
import { UNREADABLE } from './ranked-range.js';

/** What a row shows for its spans: its ranked ranges, or that it must always be evaluated. */
export interface SpannedRow {
  /** Each range's ladder and covered places; undefined when the row is evaluated by strings. */
  slots: readonly { ladder: number; ranked: { spans: readonly number[] } }[] | undefined;
  /** True when the row's `versions` list can only be asked, so any version may hit it. */
  asksList: boolean;
}

/** Every row's covered places, one entry per span, in row order. */
export interface RowSpans {
  count: number;
  row: Int32Array;
  /** The span's ladder; ALWAYS for a row that is evaluated whatever the version. */
  ladder: Int32Array;
  from: Float64Array;
  to: Float64Array;
}

/** The ladder of a span that covers every version. */
export const ALWAYS = -1;

/**
 * The spans of `rows`, in row order. A row hit only through its `versions` list has none: its
 * name's listing finds it.
 */
export function rowSpansOf(rows: readonly SpannedRow[]): RowSpans {
  const row: number[] = [];
  const ladder: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const add = (at: number, on: number, low: number, high: number) => {
    row.push(at);
    ladder.push(on);
    from.push(low);
    to.push(high);
  };

  rows.forEach((r, at) => {
    if (r.slots === undefined || r.asksList) {
      add(at, ALWAYS, -Infinity, Infinity);
      return;
    }

    for (const slot of r.slots) {
      const { spans } = slot.ranked;
      for (let i = 0; i < spans.length; i += 2) {
        add(at, slot.ladder, spans[i] as number, spans[i + 1] as number);
      }

      // A range covering no readable place may still give an unreadable version `unknown`.
      if (spans.length === 0) {
        add(at, slot.ladder, Infinity, -Infinity);
      }
    }
  });
  return { count: row.length, row: Int32Array.from(row), ladder: Int32Array.from(ladder),
    from: Float64Array.from(from), to: Float64Array.from(to) };
}

/**
 * The first span from `k` on whose row may hit the version, or `spans.count`: one covering its
 * place, or on a ladder its scheme cannot read the version for (the row then decides).
 * `places` holds the version's place on each ladder, as `placeOf` gives it.
 */
export function nextCovered(spans: RowSpans, places: readonly number[], k: number): number {
  let at = k;
  while (at < spans.count) {
    const on = spans.ladder[at] as number;
    if (on === ALWAYS) {
      return at;
    }

    const place = places[on] as number;
    if (place === UNREADABLE
      || ((spans.from[at] as number) <= place && place <= (spans.to[at] as number))) {
      return at;
    }

    at += 1;
  }

  return at;
}
