// Matching for a long-lived process (`moat serve`): the same findings as `matchInventory`, but
// what the store holds is read and parsed once per store revision, and each looked-up version's
// finished verdicts are kept, so an image sharing packages with earlier ones costs map look-ups.
// Everything kept is dropped as soon as the store's revision changes (an import or update).
import type { AdvisoryReader } from '../advisories/store.js';
import type { Inventory, Package, Warning } from '../inventory/model.js';
import { AdvisoryIndex } from './advisory-index.js';
import { callSchemes } from './call-schemes.js';
import type { Finding } from './finding.js';
import { matchLookup, type MatchOptions, type MatchResult, type MatchStats } from './match.js';
import { attachPackage, buildTemplates, type FindingTemplate } from './merge.js';
import { lookupFor, targetOf, type Lookup, type LookupOutcome } from './target.js';

export interface MatcherOptions extends MatchOptions {
  /** Most looked-up versions whose verdicts are kept between calls; 0 keeps none. */
  maxCachedLookups?: number;
  /** Most package names whose rows are kept; past it everything is read anew. */
  maxIndexedNames?: number;
}

/** The verdicts of one look-up (ecosystems, name, version), ready to attach to packages. */
interface Verdicts {
  templates: FindingTemplate[];
  problem?: string;
  gitRangesSkipped: number;
}

/** What is kept for one store revision: the index and the verdicts read from it. */
interface Generation {
  index: AdvisoryIndex;
  verdicts: Map<string, Verdicts>;
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
    const keys = outcomes.map((o) => ('lookup' in o ? lookupKey(o.lookup) : ''));
    const verdicts = this.verdictsOf(outcomes, keys, generation, reader);
    return assemble(inventory.packages, outcomes, keys, verdicts);
  }

  /** Drops everything kept, so the next call reads the store afresh. */
  forget(): void {
    this.generation = undefined;
  }

  private generationFor(reader: AdvisoryReader): Generation {
    const revision = reader.revision?.();
    const kept = this.generation;
    if (revision !== undefined && kept !== undefined && kept.index.revision === revision
      && kept.index.names <= this.maxNames) {
      return kept;
    }

    const fresh = { index: new AdvisoryIndex(revision), verdicts: new Map<string, Verdicts>() };
    // A reader without a revision cannot say when its content changes: nothing is kept.
    this.generation = revision === undefined ? undefined : fresh;
    return fresh;
  }

  /** The verdicts of every look-up of this call, from the cache or worked out now. */
  private verdictsOf(
    outcomes: LookupOutcome[],
    keys: string[],
    generation: Generation,
    reader: AdvisoryReader,
  ): Map<string, Verdicts> {
    const wanted = new Map<string, Verdicts>();
    const fresh = new Map<string, Lookup>();
    outcomes.forEach((outcome, i) => {
      const key = keys[i] as string;
      if (!('lookup' in outcome) || wanted.has(key) || fresh.has(key)) {
        return;
      }

      const kept = generation.verdicts.get(key);
      if (kept === undefined) {
        fresh.set(key, outcome.lookup);
      } else {
        wanted.set(key, kept);
      }
    });

    if (fresh.size === 0) {
      return wanted;
    }

    const made = this.resolve(fresh, generation.index, reader);
    if (generation.verdicts.size + made.size > this.maxLookups) {
      generation.verdicts.clear();
    }

    for (const [key, found] of made) {
      wanted.set(key, found);
      if (generation.verdicts.size < this.maxLookups) {
        generation.verdicts.set(key, found);
      }
    }

    return wanted;
  }

  /** Evaluates look-ups not seen before, reading what the index lacks in batches. */
  private resolve(
    fresh: Map<string, Lookup>,
    index: AdvisoryIndex,
    reader: AdvisoryReader,
  ): Map<string, Verdicts> {
    const names = new Map<string, Set<string>>();
    for (const lookup of fresh.values()) {
      for (const ecosystem of lookup.ecosystems) {
        const set = names.get(ecosystem) ?? new Set<string>();
        names.set(ecosystem, set.add(lookup.name));
      }
    }

    const rows = (ecosystem: string, name: string) => {
      if (!index.holds(ecosystem, name)) {
        index.loadRows(reader, ecosystem, names.get(ecosystem) ?? [name]);
      }

      return index.rowsOf(ecosystem, name);
    };
    const schemesOf = callSchemes(this.options.schemeFor);
    const matched = [...fresh].map(([key, lookup]) => {
      const stats = { gitRangesSkipped: 0 };
      return { key, stats, ...matchLookup(lookup, rows, schemesOf, stats) };
    });

    index.loadSummaries(reader, matched.flatMap((m) => m.hits.map((hit) => hit.advisoryId)));
    return new Map(matched.map(({ key, stats, hits, problem }) => [key, {
      templates: buildTemplates(hits, index.summaries, index.rate),
      gitRangesSkipped: stats.gitRangesSkipped,
      ...(problem === undefined ? {} : { problem }),
    }]));
  }
}

function lookupKey(lookup: Lookup): string {
  return JSON.stringify([lookup.ecosystems, lookup.name, lookup.version]);
}

/** Findings, warnings and stats in the order and form `matchInventory` gives them. */
function assemble(
  packages: Package[],
  outcomes: LookupOutcome[],
  keys: string[],
  verdicts: Map<string, Verdicts>,
): MatchResult {
  const stats: MatchStats = {
    packages: packages.length, packagesSkipped: 0, gitRangesSkipped: 0, unknownVersions: 0,
  };
  const problems = new Map<string, number>();
  const counted = new Set<string>();
  // The same package object listed twice yields its findings once, as `buildFindings` does.
  const seen = new Set<Package>();
  const findings: Finding[] = [];

  packages.forEach((pkg, i) => {
    const outcome = outcomes[i] as LookupOutcome;
    const problem = 'problem' in outcome
      ? outcome.problem
      : verdicts.get(keys[i] as string)?.problem;
    if (problem !== undefined) {
      stats.packagesSkipped += 1;
      problems.set(problem, (problems.get(problem) ?? 0) + 1);
    }

    if (!('lookup' in outcome)) {
      return;
    }

    const key = keys[i] as string;
    const found = verdicts.get(key) as Verdicts;
    if (!counted.has(key)) {
      counted.add(key);
      stats.gitRangesSkipped += found.gitRangesSkipped;
    }

    if (seen.has(pkg)) {
      return;
    }

    seen.add(pkg);
    const target = found.templates.length === 0 ? '' : targetOf(pkg);
    for (const template of found.templates) {
      findings.push(attachPackage(template, pkg, outcome.lookup, target));
    }
  });

  const warnings: Warning[] = [...problems].map(([problem, count]) => ({
    code: 'PACKAGES_NOT_MATCHED', message: `${count} package(s) not matched: ${problem}`,
  }));
  stats.unknownVersions = findings.filter((f) => f.status === 'unknown').length;
  return { findings, warnings, stats };
}
