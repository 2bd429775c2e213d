// `matchLookup` over rows compiled in a held index: the same hits and row positions, with no
// per-row choice of scheme or look-up of compiled ranges. It runs for every looked-up name, so
// the rows a version can hit are found from the name's flat spans and its listing, and only
// those rows are evaluated in full; a row the version misses costs a typed-array read or two.
import type { OsvAffected } from '../advisories/osv.js';
import type { Lookup } from './target.js';
import type { LookupHit } from './merge.js';
import { evaluateRow, type CompiledName, type CompiledRow } from './compiled-rows.js';
import { mergeHit } from './match.js';
import type { RangeSchemes } from './range.js';
import { placeOf, type Ladder } from './ranked-range.js';
import { nextCovered, readyHit, rowOfSpan } from './row-spans.js';

/** The compiled rows of one package name under one ecosystem's schemes. */
export type CompiledSource = (
  ecosystem: string, name: string, schemes: RangeSchemes,
) => CompiledName;

/** What `matchLookup` gives, with the skipped `GIT` ranges and the positions of rows hit. */
export interface CompiledLookup {
  hits: LookupHit[];
  problem: string | undefined;
  gitRangesSkipped: number;
  /** The position of each row that hit, counted as `matchLookup` counts `matched`. */
  rowsHit: number[];
}

const noHits: readonly LookupHit[] = Object.freeze([]);
const noRows: readonly number[] = Object.freeze([]);

/** What `matchLookup` gives for the same rows, with the positions of the rows that hit. */
export function matchCompiledLookup(
  lookup: Lookup,
  rows: CompiledSource,
  schemesOf: (ecosystem: string) => RangeSchemes | undefined,
): CompiledLookup {
  const { version } = lookup;
  // The lists are made at the first hit: most look-ups hit nothing.
  const made: CompiledLookup = {
    hits: noHits as LookupHit[], problem: undefined, gitRangesSkipped: 0,
    rowsHit: noRows as number[],
  };
  // Where the hit of each advisory that may hit twice is in `made.hits`: one of several rows
  // of a name, or of a look-up in several ecosystems.
  let found: Map<string, number> | undefined;
  const several = lookup.ecosystems.length > 1;
  // The position of the name's first row among the rows of all the look-up's ecosystems.
  let first = 0;
  for (const ecosystem of lookup.ecosystems) {
    const schemes = schemesOf(ecosystem);
    if (schemes === undefined) {
      made.problem = `no version scheme for ecosystem ${ecosystem}`;
      continue;
    }

    const name = rows(ecosystem, lookup.name, schemes);
    made.gitRangesSkipped += name.gitRanges;
    // The version is placed among each ladder's versions once for all the name's rows.
    const places = placesOf(name, version);
    const { spans } = name;
    // Rows come in order from both: the spans covering the version and the rows listing it.
    const listing = name.listing.get(version) ?? noRows;
    let k = nextCovered(spans, places, 0);
    let l = 0;
    while (k < spans.count || l < listing.length) {
      const spanRow = k < spans.count ? rowOfSpan(spans, k) : Infinity;
      const listedRow = l < listing.length ? listing[l] as number : Infinity;
      const at = Math.min(spanRow, listedRow);
      if (listedRow === at) {
        l += 1;
      }

      const ready = spanRow === at ? readyHit(spans, places, k) : undefined;
      // The row is evaluated once, however many of its spans cover the version.
      while (k < spans.count && rowOfSpan(spans, k) === at) {
        k += 1;
      }

      k = nextCovered(spans, places, k);
      const hit = ready !== undefined && ready.ecosystem === ecosystem ? ready
        : rowHit(version, name.rows[at] as CompiledRow, ecosystem, schemes, places,
          listedRow === at);
      if (hit === undefined) {
        continue;
      }

      if (made.hits.length === 0) {
        // Literals: a list grown from empty by a push reserves room for seventeen.
        made.rowsHit = [first + at];
        made.hits = [hit];
      } else {
        made.rowsHit.push(first + at);
        made.hits.push(hit);
      }

      if (several || name.sharesAdvisory[at] === 1) {
        found ??= new Map();
        const earlier = found.get(hit.advisoryId);
        if (earlier === undefined) {
          found.set(hit.advisoryId, made.hits.length - 1);
        } else {
          made.hits.pop();
          made.hits[earlier] = mergeHit(made.hits[earlier], hit);
        }
      }
    }

    first += name.rows.length;
  }

  return made;
}

/** The hit of one row evaluated in full, or undefined when the version misses it. */
function rowHit(
  version: string,
  row: CompiledRow,
  ecosystem: string,
  schemes: RangeSchemes,
  places: readonly number[],
  listedHere: boolean,
): LookupHit | undefined {
  const listed = listedHere || (row.asksList && row.listsVersion(version));
  const verdict = evaluateRow(version, row, schemes, places, listed);
  return verdict.status === 'not-affected' ? undefined
    : { ecosystem, advisoryId: row.advisoryId, entries: row.entries as OsvAffected[],
      status: verdict.status, fixed: verdict.fixed };
}

/**
 * `placeOf` the version on each of the name's ladders, in a list reused by the next call: the
 * places are read only while the name's rows are matched, and this runs once per name. Places
 * past the name's ladders are left from earlier names; nothing reads them.
 */
function placesOf(name: CompiledName, version: string): readonly number[] {
  const { ladders } = name;
  for (let i = 0; i < ladders.length; i += 1) {
    scratch[i] = placeOf(ladders[i] as Ladder, version);
  }

  return scratch;
}

const scratch: number[] = [];
