// A package name's rows with each range's scheme chosen and its compiled form attached, made
// once per store revision: a held matcher evaluates the same rows for every new version, and
// choosing schemes and finding compiled forms per row cost as much as the comparisons.
import type { OsvAffected, OsvRange } from '../advisories/osv.js';
import type { AffectedRow } from '../advisories/store.js';
import {
  compileRange, evaluateCompiled, fixedAfterCompiled, readVersion, type CompiledRange,
} from './compiled-range.js';
import {
  entryVerdict, evaluateEntry, isParsed, type EntryVerdict, type RangeSchemes,
} from './range.js';
import {
  evaluateRanked, fixedAfterRanked, ladderOf, rankRange, UNREADABLE, type Ladder,
  type RankedRange,
} from './ranked-range.js';

/** One range of a row with its compiled form, ranked on its name's ladder `ladder`. */
interface RangeSlot {
  range: OsvRange;
  fast: CompiledRange<unknown>;
  ladder: number;
  ranked: RankedRange;
}

/** One row ready to evaluate; `slots` is undefined when a range needs the string path. */
export interface CompiledRow {
  row: AffectedRow;
  advisoryId: string;
  entry: OsvAffected;
  listsVersion: (version: string) => boolean;
  slots: readonly RangeSlot[] | undefined;
  gitRanges: number;
}

/** A name's compiled rows, and one ladder per scheme their ranges use. */
export interface CompiledName {
  rows: CompiledRow[];
  ladders: Ladder[];
}

/** `rows` compiled under `schemes`; every row evaluates as `evaluateEntry` would. */
export function compileRows(rows: readonly AffectedRow[], schemes: RangeSchemes): CompiledName {
  const pending: { range: OsvRange; fast: CompiledRange<unknown> }[][] = [];
  const made = rows.map((row) => {
    let gitRanges = 0;
    let slots: { range: OsvRange; fast: CompiledRange<unknown> }[] | undefined = [];
    for (const range of row.entry.ranges ?? []) {
      if (range.type === 'GIT') {
        gitRanges += 1;
        continue;
      }

      const scheme = range.type === 'SEMVER' ? schemes.semver ?? schemes.ecosystem
        : schemes.ecosystem;
      const fast = isParsed(scheme) ? compileRange(range, scheme) : undefined;
      // A range without a compiled form is evaluated string by string, as the whole entry.
      if (fast === undefined) {
        slots = undefined;
      } else {
        slots?.push({ range, fast });
      }
    }

    pending.push(slots ?? []);
    return { row, advisoryId: row.advisoryId, entry: row.entry,
      listsVersion: row.listsVersion, slots: slots === undefined ? undefined : [], gitRanges };
  });
  return { rows: made, ladders: rank(made, pending) };
}

/** Fills each row's slots with its ranges ranked on one ladder per scheme; the ladders. */
function rank(
  rows: CompiledRow[],
  pending: { range: OsvRange; fast: CompiledRange<unknown> }[][],
): Ladder[] {
  const schemes = [...new Set(pending.flat().map((p) => p.fast.scheme))];
  const ladders = schemes.map((scheme) =>
    ladderOf(pending.flat().map((p) => p.fast).filter((f) => f.scheme === scheme)) as Ladder);
  rows.forEach((row, i) => {
    const slots = row.slots as RangeSlot[] | undefined;
    for (const { range, fast } of pending[i] ?? []) {
      const ladder = schemes.indexOf(fast.scheme);
      slots?.push({ range, fast, ladder, ranked: rankRange(fast, ladders[ladder] as Ladder) });
    }
  });
  return ladders;
}

/**
 * `evaluateEntry` of the row's entry and `version`; never throws. `places` holds `placeOf`
 * the version on each ladder of the row's name.
 */
export function evaluateRow(
  version: string,
  compiled: CompiledRow,
  schemes: RangeSchemes,
  places: readonly number[],
): EntryVerdict {
  const { slots } = compiled;
  if (slots === undefined) {
    return evaluateEntry(version, compiled.entry, schemes, compiled.listsVersion);
  }

  let status: EntryVerdict['status'] = compiled.listsVersion(version)
    ? 'affected' : 'not-affected';
  let fixed: string[] | undefined;
  for (const { range, fast, ladder, ranked } of slots) {
    const at = places[ladder] ?? UNREADABLE;
    // An unreadable version is evaluated as before, giving `unknown` where it would.
    const read = at === UNREADABLE ? readVersion(version, fast.scheme) : undefined;
    const result = read === undefined ? evaluateRanked(at, ranked) : evaluateCompiled(read, fast);
    if (result === 'affected') {
      status = 'affected';
      (fixed ??= []).push(...(read === undefined ? fixedAfterRanked(at, ranked)
        : fixedAfterCompiled(read, fast)));
    } else if (result === 'unknown' && status === 'not-affected') {
      status = 'unknown';
      (fixed ??= []).push(...range.events.flatMap((e) => (e.fixed === undefined ? []
        : [e.fixed])));
    }
  }

  return entryVerdict(status, fixed, compiled.gitRanges);
}
