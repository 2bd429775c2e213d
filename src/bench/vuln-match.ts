// One matching measurement in a fresh process, so that "cold" means what a new `moat scan` or
// a newly started `moat serve` pays: empty JIT, empty SQLite cache of its connection, nothing
// kept in memory. Run by vuln.ts, once per way of matching:
//
//   node dist/bench/vuln-match.js --db FILE --vulndata DIR --way one-shot|held|held-no-verdicts
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AdvisoryReader, AdvisoryStore } from '../advisories/store.js';
import type { Inventory } from '../inventory/model.js';
import { matchInventory, type MatchResult } from '../match/match.js';
import { AdvisoryMatcher } from '../match/matcher.js';
import { openAdvisoryStore } from '../store/sqlite/advisory-store.js';
import { getScheme } from '../versions/registry.js';
import { benchInventory } from './vuln-inventory.js';

export const matchingWays = ['one-shot', 'held', 'held-no-verdicts'] as const;
export type MatchingWay = (typeof matchingWays)[number];

export interface MatchingRun {
  way: MatchingWay;
  packages: number;
  findings: number;
  /** SHA-256 of the findings as JSON: equal digests mean identical findings, in order. */
  digest: string;
  openMs: number;
  /** The first call: for a held matcher this includes reading and parsing into its index. */
  coldMs: number;
  coldCpuMs: number;
  coldReadMs: number;
  /** Median of the warm calls, and every warm call in order. */
  warmMs: number;
  warmCpuMs: number;
  warmReadMs: number;
  warmAll: number[];
  /** Resident memory after the last call, with whatever the matcher keeps. */
  rssMiB: number;
}

/** `match` for one way: a new `matchInventory` each call, or one matcher held across calls. */
function matcherFor(way: MatchingWay): (inventory: Inventory, reader: AdvisoryReader) =>
  MatchResult {
  const options = { schemeFor: getScheme };
  if (way === 'one-shot') {
    return (inventory, reader) => matchInventory(inventory, reader, options);
  }

  const held = new AdvisoryMatcher({ ...options,
    ...(way === 'held-no-verdicts' ? { maxCachedLookups: 0 } : {}) });
  return (inventory, reader) => held.match(inventory, reader);
}

/**
 * Opens `file`, matches the benchmark inventory once cold and `runs` times warm.
 * @throws StoreError when the database cannot be opened.
 */
export async function measureMatching(
  file: string,
  vulndata: string,
  way: MatchingWay,
  runs: number,
): Promise<MatchingRun> {
  const inventory = await benchInventory(vulndata);
  const match = matcherFor(way);
  const opened = performance.now();
  const store = openAdvisoryStore(file, 'read');
  const openMs = performance.now() - opened;
  try {
    const reader = timedReader(store);
    const timed = () => {
      reader.ms = 0;
      const start = performance.now();
      const cpu = process.cpuUsage();
      const result = match(inventory, reader);
      const used = process.cpuUsage(cpu);
      return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000,
        readMs: reader.ms, result };
    };

    const cold = timed();
    const warm: Omit<ReturnType<typeof timed>, 'result'>[] = [];
    for (let i = 0; i < Math.max(1, runs); i += 1) {
      const { result: _result, ...run } = timed();
      warm.push(run);
    }

    const median = (pick: (run: (typeof warm)[number]) => number) =>
      warm.map(pick).sort((a, b) => a - b)[warm.length >> 1] ?? 0;
    return {
      way,
      packages: inventory.packages.length,
      findings: cold.result.findings.length,
      digest: createHash('sha256').update(JSON.stringify(cold.result.findings)).digest('hex'),
      openMs,
      coldMs: cold.ms,
      coldCpuMs: cold.cpuMs,
      coldReadMs: cold.readMs,
      warmMs: median((run) => run.ms),
      warmCpuMs: median((run) => run.cpuMs),
      warmReadMs: median((run) => run.readMs),
      warmAll: warm.map((run) => run.ms),
      rssMiB: process.memoryUsage().rss / (1024 * 1024),
    };
  } finally {
    store.close();
  }
}

/** The store, with the time spent in its reads (SQL and JSON parsing) added up in `ms`. */
function timedReader(store: AdvisoryStore): AdvisoryReader & { ms: number } {
  const reader = {
    ms: 0,
    affectedFor: (ecosystem: string, name: string) =>
      reader.time(() => store.affectedFor(ecosystem, name)),
    affectedForNames: (ecosystem: string, names: Iterable<string>) =>
      reader.time(() => store.affectedForNames(ecosystem, names)),
    indexedNames: (ecosystem: string) => reader.time(() => store.indexedNames(ecosystem)),
    getSummaries: (ids: Iterable<string>) => reader.time(() => store.getSummaries(ids)),
    allRecords: () => store.allRecords(),
    status: () => store.status(),
    revision: () => reader.time(() => store.revision()),
    time<T>(read: () => T): T {
      const start = performance.now();
      try {
        return read();
      } finally {
        reader.ms += performance.now() - start;
      }
    },
  };
  return reader;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      vulndata: { type: 'string' },
      way: { type: 'string', default: 'held' },
      runs: { type: 'string', default: '5' },
    },
  });
  const way = matchingWays.find((w) => w === values.way);
  if (values.db === undefined || values.vulndata === undefined || way === undefined) {
    throw new Error('usage: vuln-match.js --db FILE --vulndata DIR --way ' +
      matchingWays.join('|'));
  }

  const runs = Number.parseInt(values.runs, 10) || 1;
  const run = await measureMatching(values.db, values.vulndata, way, runs);
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
  });
}
