// Matches an inventory against the advisory store: data in, findings out. Per package it
// reads the indexed `affected[]` entries, evaluates them with the ecosystem's version scheme,
// then builds findings with one entry per vulnerability (aliases merged).
import type { OsvAffected } from '../advisories/osv.js';
import type { AdvisoryReader, AffectedRow } from '../advisories/store.js';
import type { Inventory, Warning } from '../inventory/model.js';
import type { VersionScheme } from '../versions/scheme.js';
import type { Finding } from './finding.js';
import { buildFindings, type Hit, type LookupHit } from './merge.js';
import { callSchemes } from './call-schemes.js';
import { evaluateEntry, type RangeSchemes } from './range.js';
import { lookupFor, type Lookup, type LookupOutcome } from './target.js';

export interface MatchOptions {
  /** The version scheme for an OSV ecosystem (`Debian:12`) or scheme name (`semver`). */
  schemeFor: (ecosystemOrName: string) => VersionScheme | undefined;
}

export interface MatchStats {
  packages: number;
  /** Packages that could not be looked up (unknown ecosystem or release). */
  packagesSkipped: number;
  gitRangesSkipped: number;
  /** Findings whose installed version could not be ordered. */
  unknownVersions: number;
}

export interface MatchResult {
  findings: Finding[];
  warnings: Warning[];
  stats: MatchStats;
}

/** Matches every package of `inventory`; never throws for bad package data. */
export function matchInventory(
  inventory: Inventory,
  reader: AdvisoryReader,
  options: MatchOptions,
): MatchResult {
  const warnings: Warning[] = [];
  const stats: MatchStats = {
    packages: inventory.packages.length, packagesSkipped: 0, gitRangesSkipped: 0,
    unknownVersions: 0,
  };
  const problems = new Map<string, number>();
  const hits: Hit[] = [];
  const outcomes = inventory.packages.map((pkg) => lookupFor(pkg, inventory.os));
  const rows = rowSource(outcomes, reader);
  const schemesOf = callSchemes(options.schemeFor);
  // Binary packages of one source (libc6, libc-bin…) share their look-up and verdicts.
  const cached = new Map<string, { hits: LookupHit[]; problem?: string }>();

  inventory.packages.forEach((pkg, index) => {
    const outcome = outcomes[index] as LookupOutcome;
    if ('problem' in outcome) {
      stats.packagesSkipped += 1;
      problems.set(outcome.problem, (problems.get(outcome.problem) ?? 0) + 1);
      return;
    }

    const { lookup } = outcome;
    const key = JSON.stringify([lookup.ecosystems, lookup.name, lookup.version]);
    let found = cached.get(key);
    if (found === undefined) {
      found = matchLookup(lookup, rows, schemesOf, stats);
      cached.set(key, found);
    }

    if (found.problem !== undefined) {
      stats.packagesSkipped += 1;
      problems.set(found.problem, (problems.get(found.problem) ?? 0) + 1);
    }

    for (const hit of found.hits) {
      hits.push({ ...hit, pkg, lookup });
    }
  });

  for (const [problem, count] of problems) {
    const message = `${count} package(s) not matched: ${problem}`;
    warnings.push({ code: 'PACKAGES_NOT_MATCHED', message });
  }

  const findings = buildFindings(hits, reader);
  stats.unknownVersions = findings.filter((f) => f.status === 'unknown').length;
  return { findings, warnings, stats };
}

/** The indexed rows of one package name in one ecosystem. */
export type RowSource = (ecosystem: string, name: string) => readonly AffectedRow[];

/**
 * Reads each ecosystem's rows for every name the inventory looks up in one batch, the first
 * time the ecosystem is asked for: a few `IN (…)` queries instead of one per package.
 */
function rowSource(outcomes: LookupOutcome[], reader: AdvisoryReader): RowSource {
  const wanted = new Map<string, Set<string>>();
  for (const outcome of outcomes) {
    if ('lookup' in outcome) {
      for (const ecosystem of outcome.lookup.ecosystems) {
        const names = wanted.get(ecosystem) ?? new Set<string>();
        wanted.set(ecosystem, names.add(outcome.lookup.name));
      }
    }
  }

  const loaded = new Map<string, Map<string, AffectedRow[]>>();
  return (ecosystem, name) => {
    let byName = loaded.get(ecosystem);
    if (byName === undefined) {
      byName = reader.affectedForNames(ecosystem, wanted.get(ecosystem) ?? [name]);
      loaded.set(ecosystem, byName);
    }

    return byName.get(name) ?? [];
  };
}

/**
 * The hits of one look-up; `problem` says why an ecosystem of it could not be matched.
 * `matched`, when given, receives the position of each row that hit, counting the rows of
 * every ecosystem with a scheme in order: with the same rows, equal positions mean equal hits.
 */
export function matchLookup(
  lookup: Lookup,
  rows: RowSource,
  schemesOf: (ecosystem: string) => RangeSchemes | undefined,
  stats: Pick<MatchStats, 'gitRangesSkipped'>,
  matched?: number[],
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

    for (const row of rows(ecosystem, lookup.name)) {
      position += 1;
      const verdict = evaluateEntry(lookup.version, row.entry, schemes, row.listsVersion);
      stats.gitRangesSkipped += verdict.gitRangesSkipped;
      if (verdict.status === 'not-affected') {
        continue;
      }

      matched?.push(position);

      const key = row.advisoryId;
      const previous = hits.get(key);
      hits.set(key, mergeHit(previous, {
        ecosystem, advisoryId: row.advisoryId, entries: [row.entry],
        status: verdict.status, fixed: verdict.fixed,
      }));
    }
  }

  return { hits: [...hits.values()], ...(problem === undefined ? {} : { problem }) };
}

/** `next` merged into `previous`, the hit of the same advisory from an earlier row. */
export function mergeHit(previous: LookupHit | undefined, next: LookupHit): LookupHit {
  if (previous === undefined) {
    return next;
  }

  const entries: OsvAffected[] = [...previous.entries, ...next.entries];
  return {
    ...previous,
    entries,
    status: previous.status === 'affected' || next.status === 'affected' ? 'affected' : 'unknown',
    fixed: [...new Set([...previous.fixed, ...next.fixed])],
  };
}
