// `matchLookup` over rows compiled in a held index: the same hits and row positions, with no
// per-row choice of scheme or look-up of compiled ranges.
import type { Lookup } from './target.js';
import type { LookupHit } from './merge.js';
import { evaluateRow, type CompiledName } from './compiled-rows.js';
import { mergeHit, type MatchStats } from './match.js';
import type { RangeSchemes } from './range.js';
import { placeOf } from './ranked-range.js';

/** The compiled rows of one package name under one ecosystem's schemes. */
export type CompiledSource = (
  ecosystem: string, name: string, schemes: RangeSchemes,
) => CompiledName;

/** What `matchLookup` gives for the same rows, positions pushed to `matched` alike. */
export function matchCompiledLookup(
  lookup: Lookup,
  rows: CompiledSource,
  schemesOf: (ecosystem: string) => RangeSchemes | undefined,
  stats: Pick<MatchStats, 'gitRangesSkipped'>,
  matched: number[],
): { hits: LookupHit[]; problem?: string } {
  const hits = new Map<string, LookupHit>();
  let problem: string | undefined;
  let position = -1;
  for (const ecosystem of lookup.ecosystems) {
    const schemes = schemesOf(ecosystem);
    if (schemes === undefined) {
      problem = `no version scheme for ecosystem ${ecosystem}`;
      continue;
    }

    const name = rows(ecosystem, lookup.name, schemes);
    // The version is placed among each ladder's versions once for all the name's rows.
    const places = name.ladders.map((ladder) => placeOf(ladder, lookup.version));
    for (const row of name.rows) {
      position += 1;
      const verdict = evaluateRow(lookup.version, row, schemes, places);
      stats.gitRangesSkipped += verdict.gitRangesSkipped;
      if (verdict.status === 'not-affected') {
        continue;
      }

      matched.push(position);
      const key = row.advisoryId;
      hits.set(key, mergeHit(hits.get(key), {
        ecosystem, advisoryId: key, entries: [row.entry],
        status: verdict.status, fixed: verdict.fixed,
      }));
    }
  }

  return { hits: [...hits.values()], ...(problem === undefined ? {} : { problem }) };
}
