// Matching for a long-lived process (`moat serve`): the same findings as `matchInventory`, but
// what the store holds is read and parsed once per store revision, and each looked-up version's
// finished verdicts are kept, so an image sharing packages with earlier ones costs map look-ups.
// Everything kept is dropped as soon as the store's revision changes (an import or update).
import type { AdvisoryReader } from '../advisories/store.js';
import type { Inventory, Package, Warning } from '../inventory/model.js';
import { AdvisoryIndex } from './advisory-index.js';
import { callSchemes } from './call-schemes.js';
import type { Finding } from './finding.js';
import { matchCompiledLookup, type CompiledLookup } from './compiled-match.js';
import type { MatchOptions, MatchResult, MatchStats } from './match.js';
import { attachCluster, type LookupHit, type TemplatePlan } from './merge.js';
import { LookupMap } from './lookup-map.js';
import type { RangeSchemes } from './range.js';
import { lookupFor, targetOf, type Lookup, type LookupOutcome } from './target.js';

export interface MatcherOptions extends MatchOptions {
  /** Most looked-up versions whose verdicts are kept between calls; 0 keeps none. */
  maxCachedLookups?: number;
  /** Most package names whose rows are kept; past it everything is read anew. */
  maxIndexedNames?: number;
}

/**
 * The verdicts of one look-up (ecosystems, name, version), ready to attach to packages: its
 * hits, and the clusters of its plan, each becoming one finding of every such package.
 */
interface Verdicts {
  hits: readonly LookupHit[];
  clusters: readonly TemplatePlan['clusters'][number][];
  problem?: string;
  gitRangesSkipped: number;
}

/** What is kept for one store revision: the index and the verdicts read from it. */
interface Generation {
  index: AdvisoryIndex;
  verdicts: LookupMap<Verdicts>;
}

const defaultMaxLookups = 200_000;
const defaultMaxNames = 250_000;

/**
 * Matches inventories against an advisory store, keeping what it read between calls. Hold one
 * per process and pass the store (it may be opened anew for each call) to every `match`.
 */
export class AdvisoryMatcher {
  private generation: Generation | undefined;
  private readonly maxLookups: number;
  private readonly maxNames: number;

  constructor(private readonly options: MatcherOptions) {
    this.maxLookups = Math.max(0, options.maxCachedLookups ?? defaultMaxLookups);
    this.maxNames = Math.max(0, options.maxIndexedNames ?? defaultMaxNames);
  }

  /**
   * Matches every package of `inventory`, with the same findings, warnings and stats as
   * `matchInventory`; never throws for bad package data.
   * @throws StoreError when the store cannot be read.
   */
  match(inventory: Inventory, reader: AdvisoryReader): MatchResult {
    const generation = this.generationFor(reader);
    const outcomes = inventory.packages.map((pkg) => lookupFor(pkg, inventory.os));
    const verdicts = this.verdictsOf(outcomes, generation, reader);
    return assemble(inventory.packages, outcomes, verdicts);
  }

  /** Drops everything kept, so the next call reads the store afresh. */
  forget(): void {
    this.generation = undefined;
  }

  private generationFor(reader: AdvisoryReader): Generation {
    // Read before any row: a write committed mid-call makes the next call's revision differ,
    // so rows read after it are never kept past that call.
    const revision = reader.revision?.();
    const kept = this.generation;
    if (revision !== undefined && kept !== undefined && kept.index.revision === revision
      && kept.index.names <= this.maxNames) {
      return kept;
    }

    const fresh = { index: new AdvisoryIndex(revision), verdicts: new LookupMap<Verdicts>() };
    // A reader without a revision cannot say when its content changes: nothing is kept.
    this.generation = revision === undefined ? undefined : fresh;
    return fresh;
  }

  /** The verdicts of each package's look-up (by package index), kept or worked out now. */
  private verdictsOf(
    outcomes: LookupOutcome[],
    generation: Generation,
    reader: AdvisoryReader,
  ): (Verdicts | undefined)[] {
    const found: (Verdicts | undefined)[] = new Array<Verdicts | undefined>(outcomes.length);
    const fresh: Lookup[] = [];
    const slots = new LookupMap<number>();
    // The slot in `fresh` of each package still waiting for its verdicts; -1 for none.
    const waiting = new Int32Array(outcomes.length).fill(-1);
    outcomes.forEach((outcome, at) => {
      if (!('lookup' in outcome)) {
        return;
      }

      const { lookup } = outcome;
      // A matcher keeping no verdicts has none to look up.
      const kept = generation.verdicts.size === 0 ? undefined : generation.verdicts.get(lookup);
      if (kept !== undefined) {
        found[at] = kept;
        return;
      }

      // A look-up seen earlier in this inventory keeps its slot; a new one takes the next.
      const slot = slots.keep(lookup, fresh.length);
      if (slot === fresh.length) {
        fresh.push(lookup);
      }

      waiting[at] = slot;
    });

    if (fresh.length === 0) {
      return found;
    }

    const made = this.resolve(fresh, generation.index, reader);
    waiting.forEach((slot, at) => {
      if (slot >= 0) {
        found[at] = made[slot];
      }
    });

    if (generation.verdicts.size + made.length > this.maxLookups) {
      generation.verdicts.clear();
    }

    fresh.forEach((lookup, slot) => {
      if (generation.verdicts.size < this.maxLookups) {
        generation.verdicts.set(lookup, made[slot] as Verdicts);
      }
    });
    return found;
  }

  /** Evaluates look-ups not seen before, reading what the index lacks in batches. */
  private resolve(fresh: Lookup[], index: AdvisoryIndex, reader: AdvisoryReader): Verdicts[] {
    let names: Map<string, Set<string>> | undefined;
    const rows = (ecosystem: string, name: string, schemes: RangeSchemes) => {
      const kept = index.keptRowsOf(ecosystem, name, schemes);
      if (kept !== undefined) {
        return kept;
      }

      if (!index.holds(ecosystem, name)) {
        // Every name not held yet is read in one batch, the first time one is missing.
        names ??= namesOf(fresh);
        index.loadRows(reader, ecosystem, names.get(ecosystem) ?? [name]);
      }

      return index.compiledRowsOf(ecosystem, name, schemes);
    };
    const schemesOf = callSchemes(this.options.schemeFor);
    const made = new Array<Verdicts>(fresh.length);
    // Look-ups whose hits have no kept plan wait for their records, read in one batch.
    const unread: string[] = [];
    const waiting: { at: number; result: CompiledLookup }[] = [];
    fresh.forEach((lookup, at) => {
      const result = matchCompiledLookup(lookup, rows, schemesOf);
      // A look-up with a kept plan needs no records: the plan holds what they gave. Its
      // verdicts are made at once, so little of what matching made outlives the look-up.
      const plan = result.hits.length === 0 ? undefined
        : index.plans.planOf(lookup, result.rowsHit);
      if (result.hits.length === 0 || plan !== undefined) {
        made[at] = verdictsFrom(result, index.plans.planFor(lookup, result.rowsHit,
          result.hits, plan));
        return;
      }

      for (const hit of result.hits) {
        unread.push(hit.advisoryId);
      }

      waiting.push({ at, result });
    });

    if (waiting.length > 0) {
      index.loadSummaries(reader, unread);
    }

    for (const { at, result } of waiting) {
      made[at] = verdictsFrom(result, index.plans.planFor(fresh[at] as Lookup,
        result.rowsHit, result.hits));
    }

    return made;
  }
}

/** The verdicts of a matched look-up and its plan; one shared object for no findings. */
function verdictsFrom(result: CompiledLookup, plan: TemplatePlan): Verdicts {
  const { clusters } = plan;
  if (clusters.length === 0 && result.gitRangesSkipped === 0 && result.problem === undefined) {
    return nothing;
  }

  const verdicts: Verdicts = { hits: result.hits, clusters,
    gitRangesSkipped: result.gitRangesSkipped };
  if (result.problem !== undefined) {
    verdicts.problem = result.problem;
  }

  return verdicts;
}

// Shared by every look-up without findings, skipped ranges or problems: most of them.
const nothing: Verdicts = Object.freeze({
  hits: Object.freeze([]), clusters: Object.freeze([]), gitRangesSkipped: 0,
});

/** The names each ecosystem is asked for by `lookups`. */
function namesOf(lookups: readonly Lookup[]): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  for (const lookup of lookups) {
    for (const ecosystem of lookup.ecosystems) {
      const set = names.get(ecosystem) ?? new Set<string>();
      names.set(ecosystem, set.add(lookup.name));
    }
  }

  return names;
}

/** Findings, warnings and stats in the order and form `matchInventory` gives them. */
function assemble(
  packages: Package[],
  outcomes: LookupOutcome[],
  verdicts: (Verdicts | undefined)[],
): MatchResult {
  const stats: MatchStats = {
    packages: packages.length, packagesSkipped: 0, gitRangesSkipped: 0, unknownVersions: 0,
  };
  const problems = new Map<string, number>();
  const counted = new Set<Verdicts>();
  // The same package object listed twice yields its findings once, as `buildFindings` does.
  const seen = new Set<Package>();
  const findings: Finding[] = [];

  for (let i = 0; i < packages.length; i += 1) {
    const pkg = packages[i] as Package;
    const outcome = outcomes[i] as LookupOutcome;
    const found = verdicts[i];
    const problem = 'problem' in outcome ? outcome.problem : found?.problem;
    if (problem !== undefined) {
      stats.packagesSkipped += 1;
      problems.set(problem, (problems.get(problem) ?? 0) + 1);
    }

    if (!('lookup' in outcome) || found === undefined) {
      continue;
    }

    // Look-ups shared by several packages count their skipped ranges once, as before.
    if (found.gitRangesSkipped > 0 && !counted.has(found)) {
      counted.add(found);
      stats.gitRangesSkipped += found.gitRangesSkipped;
    }

    // Only a package with findings need be remembered: listed again, it adds nothing.
    const { clusters, hits } = found;
    if (clusters.length === 0 || seen.has(pkg)) {
      continue;
    }

    seen.add(pkg);
    const target = targetOf(pkg);
    for (const { parts, order } of clusters) {
      findings.push(attachCluster(parts, hits, order, pkg, outcome.lookup, target));
    }
  }

  const warnings: Warning[] = [...problems].map(([problem, count]) => ({
    code: 'PACKAGES_NOT_MATCHED', message: `${count} package(s) not matched: ${problem}`,
  }));
  stats.unknownVersions = findings.filter((f) => f.status === 'unknown').length;
  return { findings, warnings, stats };
}
