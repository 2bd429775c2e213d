// A package name's rows with each range's scheme chosen and its compiled form attached, made
// once per store revision: a held matcher evaluates the same rows for every new version, and
// choosing schemes and finding compiled forms per row cost as much as the comparisons.
import type { OsvAffected, OsvRange } from '../advisories/osv.js';
import type { AffectedRow } from '../advisories/store.js';
import {
  compileRange, evaluateCompiled, fixedAfterCompiled, readVersion, type CompiledRange,
} from './compiled-range.js';
import { evaluateEntry, isParsed, type EntryVerdict, type RangeSchemes } from './range.js';

/** One range of a row with its compiled form. */
interface RangeSlot {
  range: OsvRange;
  fast: CompiledRange<unknown>;
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

/** `rows` compiled under `schemes`; every row evaluates as `evaluateEntry` would. */
export function compileRows(
  rows: readonly AffectedRow[],
  schemes: RangeSchemes,
): CompiledRow[] {
  return rows.map((row) => {
    let gitRanges = 0;
    let slots: RangeSlot[] | undefined = [];
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

    return { row, advisoryId: row.advisoryId, entry: row.entry,
      listsVersion: row.listsVersion, slots, gitRanges };
  });
}

/** `evaluateEntry` of the row's entry and `version`; never throws. */
export function evaluateRow(
  version: string,
  compiled: CompiledRow,
  schemes: RangeSchemes,
): EntryVerdict {
  const { slots } = compiled;
  if (slots === undefined) {
    return evaluateEntry(version, compiled.entry, schemes, compiled.listsVersion);
  }

  let status: EntryVerdict['status'] = compiled.listsVersion(version)
    ? 'affected' : 'not-affected';
  let fixed: string[] | undefined;
  for (const { range, fast } of slots) {
    const read = readVersion(version, fast.scheme);
    const result = evaluateCompiled(read, fast as CompiledRange<unknown>);
    if (result === 'affected') {
      status = 'affected';
      (fixed ??= []).push(...fixedAfterCompiled(read, fast as CompiledRange<unknown>));
    } else if (result === 'unknown' && status === 'not-affected') {
      status = 'unknown';
      (fixed ??= []).push(...range.events.flatMap((e) => (e.fixed === undefined ? []
        : [e.fixed])));
    }
  }

  const gitRangesSkipped = compiled.gitRanges;
  if (status === 'not-affected' && gitRangesSkipped === 0) {
    return missed;
  }

  return { status, fixed: fixed === undefined ? [] : fixed.length > 1 ? [...new Set(fixed)] : fixed,
    gitRangesSkipped };
}

const missed: EntryVerdict = Object.freeze({
  status: 'not-affected', fixed: Object.freeze([]) as unknown as string[], gitRangesSkipped: 0,
});
