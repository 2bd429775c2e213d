// Per look-up plans for building finding templates, kept for one store revision: which of a
// look-up's hits merge into which finding, and those findings' shared parts. Versions of a
// package that hit the same rows share a plan, so they skip clustering and record look-ups.
import type { AdvisorySummary } from '../advisories/store.js';
import { LookupMap } from './lookup-map.js';
import { planTemplates, type TemplatePlan } from './merge.js';
import type { Lookup } from './target.js';
import type { LookupHit, PartsOf } from './template.js';

/** Plans kept; past it they are emptied and refilled. */
export const MAX_TEMPLATE_PLANS = 100_000;

export class TemplatePlans {
  // Keyed by the look-up's ecosystems and name, and the positions of the rows that hit.
  private readonly kept = new LookupMap<TemplatePlan>();

  /**
   * `records` must only gain records over the memo's life, and each name's rows must never
   * change (an index of one store revision); `limit` of 0 keeps nothing.
   */
  constructor(
    private readonly records: ReadonlyMap<string, AdvisorySummary>,
    private readonly parts: PartsOf,
    private readonly limit = MAX_TEMPLATE_PLANS,
  ) {}

  /** How many plans are held now; at most `limit`. */
  get size(): number {
    return this.kept.size;
  }

  /** The kept plan of a look-up whose rows at `matched` hit, if any. */
  planOf(lookup: Lookup, matched: readonly number[]): TemplatePlan | undefined {
    return this.kept.get(keyOf(lookup, matched));
  }

  /**
   * How to build the findings of `hits`, the hits of `lookup` from its rows at `matched`:
   * `plan` (from `planOf`, which a full memo may since have dropped), or else a plan made and
   * kept, for which the records of every hit must have been read into `records`.
   */
  planFor(
    lookup: Lookup,
    matched: readonly number[],
    hits: readonly LookupHit[],
    plan = this.planOf(lookup, matched),
  ): TemplatePlan {
    if (hits.length === 0) {
      return noFindings;
    }

    if (plan !== undefined) {
      return plan;
    }

    const made = planTemplates(hits, this.records, this.parts);
    if (this.limit > 0) {
      if (this.kept.size >= this.limit) {
        this.kept.clear();
      }

      this.kept.set(keyOf(lookup, matched), made);
    }

    return made;
  }
}

const noFindings: TemplatePlan = Object.freeze({ clusters: Object.freeze([]) as never[] });

function keyOf(lookup: Lookup, matched: readonly number[]): Lookup {
  return { ecosystems: lookup.ecosystems, name: lookup.name, version: matched.join(',') };
}
