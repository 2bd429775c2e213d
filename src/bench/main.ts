// `npm run bench`: times `moat sbom` on a real 1 GB+ multi-layer image against the floor any
// scanner has, unpacking the same layer blobs with `tar -xzf` into tmpfs, and measures
// Moat's peak memory from outside; then the advisory work (import, matching, `moat scan`
// against the same floor), the posture audits, and the registry server beside the reference
// registry. See docs/benchmarks.md.
//
//   npm run bench [-- --quick] [-- --json] [-- --runs N] [-- --moat PATH/TO/bin/moat]
//                 [-- --only sbom,vuln,posture,registry]
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, statfs } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cacheRoot, repoRoot } from '../testing/cache.js';
import type { BuiltImage } from '../testing/images.js';
import { skipReason } from '../testing/requirements.js';
import { benchImage } from './fixture.js';
import { measure, summarize } from './measure.js';
import type { Measurement } from './measure.js';
import { formatPostureBench, runPostureBench } from './posture.js';
import { runRegistryBench } from './registry.js';
import { formatRegistryBench } from './registry-report.js';
import { formatMarkdown } from './report.js';
import type { BenchResult } from './report.js';
import { formatVulnBench, runVulnBench } from './vuln.js';

const PARTS = ['sbom', 'vuln', 'posture', 'registry'] as const;

const TMPFS_MAGIC = 0x01021994;
const MOAT = join(repoRoot, 'bin', 'moat');
// What the parts built on the Debian image need; the registry part checks its own tools.
const BENCH_TOOLS = ['debootstrap', 'npm', 'python3', 'tar', 'gzip'];

// Extracts each layer in order, like an unpacker that applies layers onto one directory.
const EXTRACT = 'dir=$1; shift; for blob; do tar -xzf "$blob" -C "$dir" || exit 1; done';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      runs: { type: 'string', default: '3' },
      moat: { type: 'string', default: MOAT },
      only: { type: 'string', default: PARTS.join(',') },
    },
  });
  const only = new Set(values.only.split(',').map((part) => part.trim()));
  const runs = Math.max(1, Number.parseInt(values.runs, 10) || 3);
  const unknown = [...only].filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0) {
    console.error(`--only ${unknown.join(',')}: the parts are ${PARTS.join(', ')}`);
    process.exitCode = 2;
    return;
  }

  const sections: Record<string, unknown> = {};
  const texts: string[] = [];
  if (only.has('sbom') || only.has('vuln') || only.has('posture')) {
    const cannot = skipReason('the benchmark', { root: true, tools: BENCH_TOOLS });
    if (cannot !== undefined) {
      process.exitCode = 2;
      return;
    }
  }

  const image = only.has('sbom') || only.has('vuln') ? await debianImage(values.quick)
    : undefined;
  const blobs = image?.layers.map((layer) => blobPath(image, layer.digest)) ?? [];
  if (image !== undefined && only.has('sbom')) {
    const result = await sbomBench(image, blobs, runs, values.moat, values.quick);
    sections.sbom = result;
    texts.push(formatMarkdown(result));
  }

  if (image !== undefined && only.has('vuln')) {
    const options = { quick: values.quick, runs, moatBin: values.moat };
    const result = await runVulnBench({ ...options, image: { reference: image.reference,
      layerBlobs: blobs } });
    sections.vuln = result;
    texts.push(formatVulnBench(result));
  }

  if (only.has('posture')) {
    const result = await runPostureBench({ quick: values.quick, runs, moatBin: values.moat });
    sections.posture = result;
    texts.push(formatPostureBench(result));
  }

  if (only.has('registry')) {
    const result = await runRegistryBench({ quick: values.quick, runs, moatBin: values.moat });
    sections.registry = result;
    texts.push(formatRegistryBench(result));
  }

  const json = `${JSON.stringify(sections, null, 2)}\n`;
  process.stdout.write(values.json ? json : texts.join('\n'));
}

async function debianImage(quick: boolean): Promise<BuiltImage> {
  console.error(`building or reusing the bench image under ${cacheRoot()}`);
  return benchImage(quick);
}

async function sbomBench(
  image: BuiltImage,
  blobs: string[],
  runs: number,
  moat: string,
  quick: boolean,
): Promise<BenchResult> {
  const target = `/dev/shm/moat-bench-${process.pid}`;
  if ((await statfs('/dev/shm')).type !== TMPFS_MAGIC) {
    console.error('warning: /dev/shm is not tmpfs here; the baseline includes disk writes');
  }

  const missing = moatMissing(moat);
  const moatArgs = [moat, 'sbom', image.reference, '--format', 'json'];
  const baselineRuns: Measurement[] = [];
  const moatRuns: Measurement[] = [];
  try {
    // Interleaved, so a change in the machine's load falls on both series alike.
    for (let i = 0; i < runs; i += 1) {
      console.error(`run ${i + 1} of ${runs}`);
      await rm(target, { recursive: true, force: true });
      await mkdir(target);
      baselineRuns.push(await measure('sh', ['-c', EXTRACT, 'sh', target, ...blobs]));
      await rm(target, { recursive: true, force: true });
      if (missing === undefined) {
        // stdout goes to /dev/null through the wrapper. Never `--output /dev/null`: an atomic
        // write (temp file + rename) would replace the device node.
        moatRuns.push(await measure(process.execPath, moatArgs));
      }
    }
  } finally {
    await rm(target, { recursive: true, force: true });
  }

  const result: BenchResult = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    mode: quick ? 'quick' : 'full',
    image: describeImage(image),
    runs,
    baseline: { command: 'tar -xzf BLOB -C /dev/shm/DIR, each layer in order',
      ...summarize(baselineRuns) },
  };

  if (missing !== undefined) {
    result.missing = missing;
  } else {
    result.moat = { command: `moat sbom ${image.reference} --format json > /dev/null`,
      ...summarize(moatRuns) };
    console.error('counting packages (one more, untimed run)');
    result.packages = await countPackages(moatArgs);
  }

  return result;
}

function describeMachine(): BenchResult['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.versions.node,
    kernel: release(),
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

function describeImage(image: BuiltImage): BenchResult['image'] {
  const sum = (pick: (layer: BuiltImage['layers'][number]) => number) =>
    image.layers.reduce((total, layer) => total + pick(layer), 0);
  return {
    reference: image.reference,
    layers: image.layers.length,
    compressedBytes: sum((layer) => layer.size),
    uncompressedBytes: sum((layer) => layer.uncompressedSize),
    files: sum((layer) => layer.files),
    entries: sum((layer) => layer.entries),
  };
}

/** Why `moat sbom` cannot be timed here, or undefined when it answers `--help`. */
function moatMissing(moat: string): string | undefined {
  const help = spawnSync(process.execPath, [moat, 'sbom', '--help'], { encoding: 'utf8' });
  if (help.status !== 0 || !help.stdout.includes('--format')) {
    return '`moat sbom --help` failed: run `npm run build`, or the sbom command is not there yet';
  }

  return undefined;
}

/** One untimed run that keeps the output, counting the packages by type. */
async function countPackages(args: string[]): Promise<Record<string, number>> {
  const out = join(cacheRoot(), `bench-sbom-${process.pid}.json`);
  try {
    await measure(process.execPath, [...args, '--output', out]);
    const doc = JSON.parse(await readFile(out, 'utf8')) as { packages?: { type?: string }[] };
    const counts: Record<string, number> = {};
    for (const pkg of doc.packages ?? []) {
      const type = pkg.type ?? 'unknown';
      counts[type] = (counts[type] ?? 0) + 1;
    }

    return counts;
  } finally {
    await rm(out, { force: true });
  }
}

function blobPath(image: BuiltImage, digest: string): string {
  return join(image.layout, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 2;
});
