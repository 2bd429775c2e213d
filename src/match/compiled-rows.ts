// A package name's rows with each range's scheme chosen and its compiled form attached, made
// once per store revision: a held matcher evaluates the same rows for every new version, and
// choosing schemes and finding compiled forms per row cost as much as the comparisons.
import type { OsvAffected, OsvRange } from '../advisories/osv.js';
import type { AffectedRow } from '../advisories/store.js';
import {
  compileRange, evaluateCompiled, type CompiledRange, type ReadVersion,
} from './compiled-range.js';
import {
  entryVerdict, evaluateEntry, isParsed, type EntryVerdict, type RangeSchemes,
} from './range.js';
import {
  evaluateRanked, fixedAfterRanked, ladderOf, nameSteps, rankRange, UNREADABLE, type Ladder,
  type RankedRange,
} from './ranked-range.js';
import { rowSpansOf, type RowSpans } from './row-spans.js';

/** One range of a row with its compiled form, ranked on its name's ladder `ladder`. */
interface RangeSlot {
  range: OsvRange;
  fast: CompiledRange<unknown>;
  ladder: number;
  ranked: RankedRange;
  /**
   * The range's verdict for a version its scheme cannot read. Every comparison with such a
   * version throws, so the verdict is the same for all of them and is worked out once.
   */
  unreadable: ReturnType<typeof evaluateCompiled>;
  /** Every `fixed` version of the range's events, which an `unknown` verdict lists. */
  eventsFixed: string[];
}

// Stands for any version a scheme cannot read: comparing it throws, as comparing one does.
const unreadableVersion: ReadVersion<unknown> = { ok: false,
  error: new Error('an unreadable version') };

/** One row ready to evaluate; `slots` is undefined when a range needs the string path. */
export interface CompiledRow {
  row: AffectedRow;
  advisoryId: string;
  ecosystem: string;
  entry: OsvAffected;
  /**
   * `[entry]`: what a hit of the row lists, shared by all of them and never changed. Not
   * frozen: copying a frozen array takes a builtin's slow path, many times slower.
   */
  entries: readonly OsvAffected[];
  listsVersion: (version: string) => boolean;
  /** True when the row's `versions` list is not in its name's `listing`: ask `listsVersion`. */
  asksList: boolean;
  slots: readonly RangeSlot[] | undefined;
  gitRanges: number;
  /** The row's verdict for a version it does not cover; frozen, shared by every miss. */
  missed: EntryVerdict;
}

/** A name's compiled rows, and one ladder per scheme their ranges use. */
export interface CompiledName {
  rows: CompiledRow[];
  ladders: Ladder[];
  /**
   * The rows whose explicit `versions` list holds a version, by version, in ascending order:
   * one look-up per name instead of asking every row.
   */
  listing: ReadonlyMap<string, readonly number[]>;
  /** The places each row's ranges cover, to find the rows a readable version can hit. */
  spans: RowSpans;
  /** The `GIT` ranges of all the rows, which every look-up of the name skips. */
  gitRanges: number;
  /** 1 for each row whose advisory has another row of the name, so hits may merge. */
  sharesAdvisory: Uint8Array;
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
    return { row, advisoryId: row.advisoryId, ecosystem: row.ecosystem, entry: row.entry,
      entries: [row.entry], listsVersion: row.listsVersion,
      asksList: row.listedVersions === undefined,
      slots: slots === undefined ? undefined : [], gitRanges,
      missed: Object.freeze(entryVerdict('not-affected', undefined, gitRanges)) };
  });
  const ladders = rank(made, pending);
  const advisories = new Map<string, number>();
  for (const row of rows) {
    advisories.set(row.advisoryId, (advisories.get(row.advisoryId) ?? 0) + 1);
  }

  return { rows: made, ladders, listing: listingOf(rows), spans: rowSpansOf(made),
    gitRanges: made.reduce((sum, row) => sum + row.gitRanges, 0),
    sharesAdvisory: Uint8Array.from(rows, (row) => (advisories.get(row.advisoryId) ?? 0) > 1
      ? 1 : 0) };
}

/** The positions of the rows listing each version, for the rows whose store gives lists. */
// Limitation: every row's list is read and indexed when its name is first compiled, which
// makes a held matcher's first call some 0.2–0.5 s slower on the benchmark inventory (about
// 180,000 listed versions). Indexing a name's lists only at its second look-up would move
// that off the first call, at the price of a second way to find the rows listing a version.
function listingOf(rows: readonly AffectedRow[]): Map<string, number[]> {
  const listing = new Map<string, number[]>();
  rows.forEach((row, at) => {
    for (const version of row.listedVersions?.() ?? []) {
      const listed = listing.get(version);
      if (listed === undefined) {
        listing.set(version, [at]);
      } else if (listed[listed.length - 1] !== at) {
        listed.push(at);
      }
    }
  });
  return listing;
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
      nameSteps(ladders[ladder] as Ladder, range);
      slots?.push({ range, fast, ladder, ranked: rankRange(fast, ladders[ladder] as Ladder),
        unreadable: evaluateCompiled(unreadableVersion, fast),
        eventsFixed: range.events.flatMap((e) => (e.fixed === undefined ? [] : [e.fixed])) });
    }
  });
  return ladders;
}

/**
 * `evaluateEntry` of the row's entry and `version`; never throws. `places` holds `placeOf`
 * the version on each ladder of the row's name, and `listed` whether the row's `versions`
 * list holds it (from its name's `listing`, or `listsVersion`). A miss is the row's own
 * shared verdict, so the many rows a version misses allocate nothing.
 */
export function evaluateRow(
  version: string,
  compiled: CompiledRow,
  schemes: RangeSchemes,
  places: readonly number[],
  listed: boolean,
): EntryVerdict {
  const { slots } = compiled;
  if (slots === undefined) {
    return byStrings(version, compiled, schemes, listed);
  }

  let status: EntryVerdict['status'] = listed ? 'affected' : 'not-affected';
  let fixed: string[] | undefined;
  for (const slot of slots) {
    const at = places[slot.ladder] ?? UNREADABLE;
    if (at !== UNREADABLE) {
      if (evaluateRanked(at, slot.ranked) === 'affected') {
        status = 'affected';
        fixed = fixedAfterRanked(at, slot.ranked, fixed);
      }
    } else if (slot.unreadable === 'affected') {
      // No fixed version is newer than an unreadable one.
      status = 'affected';
    } else if (slot.unreadable === 'unknown' && status === 'not-affected') {
      status = 'unknown';
      // Nothing was listed yet: no range before covered the version.
      fixed = slot.eventsFixed.slice();
    }
  }

  return status === 'not-affected' ? compiled.missed
    : entryVerdict(status, fixed, compiled.gitRanges);
}


// Apart from `evaluateRow`: a closure there would make every call allocate its context.
function byStrings(version: string, compiled: CompiledRow, schemes: RangeSchemes,
  listed: boolean): EntryVerdict {
  return evaluateEntry(version, compiled.entry, schemes, () => listed);
}
