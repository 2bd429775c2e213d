// The registry benchmark: `moat serve` beside the reference registry (Debian's docker-registry)
// started in the same run. Per run and per registry, on fresh data dirs: an untimed push and
// pull of a small warm-up image (other layers), a skopeo push of the ~500 MB image, a skopeo
// pull of it into a fresh OCI layout (both timed from outside), then manifest GETs from 100
// keep-alive connections in a separate load generator process. The warm-up makes both sides
// time a server that has already served a push and a pull with these credentials, as a
// registry in use has: without it Moat's timed push would include compiling its code paths
// and the first scrypt login (0.1 s), which a Go binary that takes anonymous pushes never pays.
// Interleaved (reference, Moat, reference, Moat, …) so a change in load falls on both.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import { measure, summarize, type Measurement } from './measure.js';
import { imageBytes, registryBenchImage, registryWarmupImage } from './registry-image.js';
import type { LoadSeries, RegistryBenchResult, RegistrySide } from './registry-report.js';
import {
  BENCH_REPOSITORY, processCpuSeconds, startMoat, startReference, type BenchRegistry,
} from './registry-servers.js';
import { megabytesPerSecond, median, type LoadResult } from './registry-stats.js';

/** What the part needs on PATH: the copy client, the reference, and measure.ts's parent. */
export const REGISTRY_BENCH_TOOLS = ['skopeo', 'docker-registry', 'python3'];

const LOAD_SCRIPT = fileURLToPath(new URL('./registry-load.js', import.meta.url));
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const SKOPEO = ['--insecure-policy', 'copy', '--quiet', '--retry-times', '0'];
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface RegistryBenchOptions {
  quick?: boolean;
  runs?: number;
  moatBin: string;
  connections?: number;
  loadSeconds?: number;
}

type Copy = Measurement & { serverCpuSeconds: number };

interface SideRuns {
  push: Copy[];
  pull: Copy[];
  load: { result: LoadResult; clientCpuSeconds: number; serverCpuSeconds: number }[];
}

/** Runs the part, or returns why it cannot run here. Throws when a copy or a server fails. */
export async function runRegistryBench(options: RegistryBenchOptions):
  Promise<RegistryBenchResult> {
  const quick = options.quick === true;
  const runs = Math.max(1, options.runs ?? 3);
  const connections = options.connections ?? 100;
  const loadSeconds = options.loadSeconds ?? (quick ? 3 : 10);
  const start = loadavg().map((load) => Math.round(load * 100) / 100);
  const base = { date: new Date().toISOString(), mode: quick ? 'quick' : 'full', runs,
    connections, loadSeconds } as const;
  const cannot = skipReason('the registry bench', { tools: REGISTRY_BENCH_TOOLS });
  if (cannot !== undefined) {
    return { ...base, loadAverage: { start, end: start }, skipped: cannot,
      image: { layers: 0, bytes: 0, manifestDigest: '' } };
  }

  console.error('building or reusing the registry bench image');
  const image = await registryBenchImage(quick);
  const warmup = await registryWarmupImage();
  const loadSkipped = existsSync(LOAD_SCRIPT) ? undefined
    : `${LOAD_SCRIPT} is missing: run \`npm run build\``;
  const sides = { reference: emptyRuns(), moat: emptyRuns() };
  const { dir, cleanup } = await makeTempDir('registry-bench');
  try {
    for (let i = 0; i < runs; i += 1) {
      for (const name of ['reference', 'moat'] as const) {
        console.error(`run ${i + 1} of ${runs}: ${name}`);
        const registry = name === 'reference' ? await startReference()
          : await startMoat(options.moatBin);
        try {
          await oneRun(registry, sides[name], { image: image.reference, warmup: warmup.reference,
            manifestDigest:
            image.manifestDigest, pullDir: join(dir, `pull-${name}-${i}`), out: join(dir,
            `load-${name}-${i}.json`), connections, loadSeconds, load: loadSkipped === undefined });
        } finally {
          await registry.stop();
        }
      }
    }
  } finally {
    await cleanup();
  }

  const bytes = imageBytes(image);
  return { ...base, image: { layers: image.layers.length, bytes,
    manifestDigest: image.manifestDigest },
  loadAverage: { start, end: loadavg().map((load) => Math.round(load * 100) / 100) },
  reference: sideResult(sides.reference, bytes), moat: sideResult(sides.moat, bytes),
  ...(loadSkipped === undefined ? {} : { loadSkipped }) };
}

function emptyRuns(): SideRuns {
  return { push: [], pull: [], load: [] };
}

async function oneRun(registry: BenchRegistry, into: SideRuns, run: { image: string;
  warmup: string; manifestDigest: string; pullDir: string; out: string; connections: number;
  loadSeconds: number; load: boolean }): Promise<void> {
  const ref = `docker://${registry.host}/${BENCH_REPOSITORY}:1`;
  const creds = registry.pushCreds === undefined ? [] : ['--dest-creds', registry.pushCreds];
  const push = (layout: string, to: string) =>
    measure('skopeo', [...SKOPEO, '--dest-tls-verify=false', ...creds, layout, to]);
  const pull = (from: string, dir: string) =>
    measure('skopeo', [...SKOPEO, '--src-tls-verify=false', from, `oci:${dir}:x`]);
  const warm = `docker://${registry.host}/${BENCH_REPOSITORY}-warmup:1`;
  await push(run.warmup, warm);
  await pull(warm, `${run.pullDir}-warmup`);
  await rm(`${run.pullDir}-warmup`, { recursive: true, force: true });
  const withServerCpu = async <T>(work: () => Promise<T>) => {
    const before = processCpuSeconds(registry.pid);
    const result = await work();
    return { ...result, serverCpuSeconds: processCpuSeconds(registry.pid) - before };
  };
  into.push.push(await withServerCpu(() => push(run.image, ref)));
  into.pull.push(await withServerCpu(() => pull(ref, run.pullDir)));
  await rm(run.pullDir, { recursive: true, force: true });

  const url = `http://${registry.host}/v2/${BENCH_REPOSITORY}/manifests/1`;
  await checkManifest(url, run.manifestDigest);
  if (!run.load) {
    return;
  }

  const measured = await withServerCpu(() => measure(process.execPath, [LOAD_SCRIPT, '--url',
    url, '--accept', OCI_MANIFEST, '--connections', String(run.connections), '--seconds',
    String(run.loadSeconds), '--out', run.out]));
  const result = JSON.parse(await readFile(run.out, 'utf8')) as LoadResult;
  into.load.push({ result, clientCpuSeconds: measured.cpuSeconds,
    serverCpuSeconds: measured.serverCpuSeconds });
}

/** Both registries must serve the very manifest that was pushed, anonymously. */
async function checkManifest(url: string, digest: string): Promise<void> {
  const reply = await fetch(url, { headers: { accept: OCI_MANIFEST } });
  const body = Buffer.from(await reply.arrayBuffer());
  const got = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  if (reply.status !== 200 || body.length > MAX_MANIFEST_BYTES || got !== digest) {
    throw new Error(`GET ${url} answered ${reply.status} with ${got}, not the pushed ${digest}`);
  }
}

function sideResult(runs: SideRuns, bytes: number): RegistrySide {
  const copy = (series: Copy[]) => {
    const summary = summarize(series);
    return { ...summary, megabytesPerSecond: megabytesPerSecond(bytes, summary.seconds),
      serverCpuSeconds: median(series.map((c) => c.serverCpuSeconds)) };
  };
  const side: RegistrySide = { push: copy(runs.push), pull: copy(runs.pull) };
  if (runs.load.length > 0) {
    side.load = loadSeries(runs.load);
  }

  return side;
}

function loadSeries(runs: SideRuns['load']): LoadSeries {
  return {
    rps: median(runs.map((r) => r.result.rps)),
    allRps: runs.map((r) => r.result.rps),
    p50Ms: median(runs.map((r) => r.result.p50Ms)),
    p99Ms: median(runs.map((r) => r.result.p99Ms)),
    errors: runs.reduce((sum, r) => sum + r.result.errors, 0),
    clientCpuSeconds: median(runs.map((r) => r.clientCpuSeconds)),
    serverCpuMicros: median(runs.map((r) => r.result.answered > 0
      ? (r.serverCpuSeconds / r.result.answered) * 1e6 : 0)),
  };
}
