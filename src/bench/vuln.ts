// The advisory benchmark: `moat db import` of all the shared OSV data into a fresh cache dir,
// matching a 10,000-package inventory (each way of matching in a fresh process: cold first
// call, warm median), and, given an image, `moat scan` against the `tar -xzf` floor. Alone:
//
//   npm run build && node dist/bench/vuln.js [--quick] [--runs N] [--no-image]
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { repoRoot } from '../testing/cache.js';
import { measure, summarize, type Measurement } from './measure.js';
import { measureTarBaseline } from './vuln-baseline.js';
import { matchingWays, type MatchingRun } from './vuln-match.js';
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
const execFileAsync = promisify(execFile);

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

/** Each way of matching in its own fresh process, one after the other. */
async function benchMatching(
  file: string,
  vulndata: string,
  runs: number,
): Promise<VulnBenchResult['matching']> {
  const child = join(dirname(fileURLToPath(import.meta.url)), 'vuln-match.js');
  const measured: MatchingRun[] = [];
  for (const way of matchingWays) {
    console.error(`matching the 10,000-package inventory: ${way}`);
    const { stdout } = await execFileAsync(process.execPath, [child, '--db', file,
      '--vulndata', vulndata, '--way', way, '--runs', String(runs)], { maxBuffer: 1 << 20 });
    measured.push(JSON.parse(stdout) as MatchingRun);
  }

  const [first] = measured;
  return {
    packages: first?.packages ?? 0,
    findings: first?.findings ?? 0,
    identical: measured.every((run) => run.digest === first?.digest),
    runs: measured,
  };
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
