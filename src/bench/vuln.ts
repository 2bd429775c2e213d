// The advisory benchmark: `moat db import` of all the shared OSV data into a fresh cache dir,
// matching a 10,000-package inventory in-process (cold first call and warm median), and, given
// an image, `moat scan` against the `tar -xzf` floor. Run alone:
//
//   npm run build && node dist/bench/vuln.js [--quick] [--runs N] [--no-image]
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AdvisoryReader } from '../advisories/store.js';
import { openAdvisoryStore } from '../store/sqlite/advisory-store.js';
import { matchInventory } from '../match/match.js';
import { getScheme } from '../versions/registry.js';
import { repoRoot } from '../testing/cache.js';
import { measure, summarize, type Measurement } from './measure.js';
import { measureTarBaseline } from './vuln-baseline.js';
import { benchInventory } from './vuln-inventory.js';
import { formatVulnBench, type VulnBenchResult } from './vuln-report.js';

export { formatVulnBench, type VulnBenchResult } from './vuln-report.js';

export interface VulnBenchOptions {
  quick?: boolean;
  /** Warm matching runs and scan runs; 5 and 3 by default. */
  runs?: number;
  moatBin: string;
  image?: { reference: string; layerBlobs: string[] };
  /** The OSV `.jsonl` files' directory; `../shared/vulndata` next to the repository. */
  vulndata?: string;
}

const DB_FILE = 'advisories.db';

/**
 * Runs the three measurements once each (matching and scan N times).
 * Throws when `moat db import` or `moat scan` fails, or the data cannot be read.
 */
export async function runVulnBench(options: VulnBenchOptions): Promise<VulnBenchResult> {
  const vulndata = options.vulndata ?? resolve(repoRoot, '..', 'shared', 'vulndata');
  const files = readdirSync(vulndata).filter((f) => f.endsWith('.jsonl')).sort()
    .map((f) => join(vulndata, f));
  const cacheDir = await mkdtemp(join(tmpdir(), 'moat-vuln-bench-'));
  try {
    console.error(`importing ${files.length} files into ${cacheDir}`);
    const imported = await measure(process.execPath,
      [options.moatBin, 'db', 'import', ...files, '--cache-dir', cacheDir]);
    const result: VulnBenchResult = {
      date: new Date().toISOString(),
      mode: options.quick === true ? 'quick' : 'full',
      import: { files: files.length, ...imported, dbBytes: databaseBytes(cacheDir) },
      matching: await benchMatching(join(cacheDir, DB_FILE), vulndata, options.runs ?? 5),
    };

    if (options.image !== undefined) {
      result.scan = await benchScan(options, cacheDir, options.image);
    }

    return result;
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** The database file with its WAL and shared-memory files, as it sits on disk. */
function databaseBytes(cacheDir: string): number {
  return readdirSync(cacheDir).filter((f) => f.startsWith(DB_FILE))
    .reduce((total, f) => total + statSync(join(cacheDir, f)).size, 0);
}

async function benchMatching(
  file: string,
  vulndata: string,
  runs: number,
): Promise<VulnBenchResult['matching']> {
  console.error('building the 10,000-package inventory');
  const inventory = await benchInventory(vulndata);
  const options = { schemeFor: getScheme };

  const opened = performance.now();
  const store = openAdvisoryStore(file, 'read');
  const openMs = performance.now() - opened;
  try {
    const reader = timedReader(store);
    const timed = () => {
      reader.ms = 0;
      const start = performance.now();
      const cpu = process.cpuUsage();
      const result = matchInventory(inventory, reader, options);
      const used = process.cpuUsage(cpu);
      return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000,
        readMs: reader.ms, findings: result.findings.length };
    };

    const cold = timed();
    const warm: ReturnType<typeof timed>[] = [];
    for (let i = 0; i < Math.max(1, runs); i += 1) {
      warm.push(timed());
    }

    const median = (pick: (run: (typeof warm)[number]) => number) =>
      warm.map(pick).sort((a, b) => a - b)[warm.length >> 1] ?? 0;
    return {
      packages: inventory.packages.length,
      findings: cold.findings,
      openMs,
      coldMs: cold.ms,
      coldCpuMs: cold.cpuMs,
      warmMs: median((run) => run.ms),
      warmCpuMs: median((run) => run.cpuMs),
      warmReadMs: median((run) => run.readMs),
      warmAll: warm.map((run) => run.ms),
    };
  } finally {
    store.close();
  }
}

/** The store, with the time spent in its reads (SQL and JSON parsing) added up in `ms`. */
function timedReader(store: AdvisoryReader): AdvisoryReader & { ms: number } {
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

async function benchScan(
  options: VulnBenchOptions,
  cacheDir: string,
  image: { reference: string; layerBlobs: string[] },
): Promise<NonNullable<VulnBenchResult['scan']>> {
  const args = [options.moatBin, 'scan', image.reference, '--format', 'json',
    '--cache-dir', cacheDir];
  const baseline: Measurement[] = [];
  const moat: Measurement[] = [];
  const runs = Math.max(1, options.runs ?? 3);
  // Interleaved, so a change in the machine's load falls on both series alike.
  for (let i = 0; i < runs; i += 1) {
    console.error(`scan run ${i + 1} of ${runs}`);
    baseline.push(await measureTarBaseline(image.layerBlobs));
    moat.push(await measure(process.execPath, args));
  }

  const tar = summarize(baseline);
  const scan = summarize(moat);
  return { reference: image.reference, baseline: tar, moat: scan,
    ratio: scan.seconds / tar.seconds };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      'no-image': { type: 'boolean', default: false },
      moat: { type: 'string', default: join(repoRoot, 'bin', 'moat') },
    },
  });
  const runs = values.runs === undefined ? undefined : Number.parseInt(values.runs, 10) || 1;
  const image = values['no-image'] ? undefined : await benchImageBlobs(values.quick);
  const result = await runVulnBench({ quick: values.quick, moatBin: values.moat,
    ...(runs === undefined ? {} : { runs }), ...(image === undefined ? {} : { image }) });
  process.stdout.write(formatVulnBench(result));
}

/** The benchmark image's reference and blobs, or undefined where it cannot be built. */
async function benchImageBlobs(quick: boolean): Promise<VulnBenchOptions['image']> {
  const { skipReason } = await import('../testing/requirements.js');
  const tools = ['debootstrap', 'npm', 'python3', 'tar', 'gzip'];
  if (skipReason('the scan benchmark', { root: true, tools }) !== undefined) {
    return undefined;
  }

  const { benchImage } = await import('./fixture.js');
  const image = await benchImage(quick);
  const blobs = image.layers.map((layer) =>
    join(image.layout, 'blobs', 'sha256', layer.digest.slice('sha256:'.length)));
  return { reference: image.reference, layerBlobs: blobs };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
  });
}
