// `matchLookup` over rows compiled in a held index: the same hits and row positions, with no
// per-row choice of scheme or look-up of compiled ranges.
import type { Lookup } from './target.js';
import type { LookupHit } from './merge.js';
import { evaluateRow, type CompiledRow } from './compiled-rows.js';
import { mergeHit, type MatchStats } from './match.js';
import type { RangeSchemes } from './range.js';

/** The compiled rows of one package name under one ecosystem's schemes. */
export type CompiledSource = (
  ecosystem: string, name: string, schemes: RangeSchemes,
) => readonly CompiledRow[];

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

    for (const row of rows(ecosystem, lookup.name, schemes)) {
      position += 1;
      const verdict = evaluateRow(lookup.version, row, schemes);
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
