// The posture benchmarks, timed from outside through the real command line: `moat audit k8s`
// over 10,000 workload manifests (target 5 s), by default and again with `--jobs 1` to show
// what the worker threads cost in CPU, and `moat audit host` on a host running 50 real podman
// containers (target 2 s).
//
//   node dist/bench/posture.js [--quick] [--json] [--runs N] [--moat PATH/TO/bin/moat]
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import { measure, summarize, type Summary } from './measure.js';
import { startBenchHost } from './posture-host.js';
import { writeManifestTree } from './posture-manifests.js';

export interface PostureCase extends Summary {
  command: string;
  size: string;
  targetSeconds: number;
  subjects: number;
  findings: number;
}

export interface PostureBenchResult {
  mode: 'quick' | 'full';
  runs: number;
  /** The 1, 5 and 15 minute load averages before the first run and after the last. */
  loadBefore?: number[];
  loadAverage: number[];
  manifests: PostureCase;
  /** The same audit with `--jobs 1`: no worker threads, for the CPU time it saves or costs. */
  manifestsOneJob?: PostureCase;
  host?: PostureCase;
  hostSkipped?: string;
}

/** The bank profile as a bank would run it: images must come from its own registry. */
export const BENCH_K8S_FLAGS = ['--allowed-registry', 'registry.bank.example'];

const MOAT = resolve(fileURLToPath(import.meta.url), '../../../bin/moat');

// Findings exit 1, which is the expected outcome here; 2 and up (or a signal) is a failure.
const FINDINGS_OK = 'code=0; "$@" || code=$?; [ "$code" -le 1 ] || exit "$code"';

async function timed(moatArgs: string[], runs: number): Promise<Summary> {
  const results = [];
  for (let i = 0; i < runs; i += 1) {
    results.push(await measure('sh', ['-c', FINDINGS_OK, 'sh', process.execPath, ...moatArgs]));
  }

  return summarize(results);
}

/** One more, untimed run that keeps the report, for the counts. */
async function counted(
  moatArgs: string[],
  out: string,
): Promise<{ subjects: number; findings: number }> {
  await measure('sh', ['-c', FINDINGS_OK, 'sh', process.execPath, ...moatArgs, '-o', out]);
  const report = JSON.parse(await readFile(out, 'utf8')) as { subjects: number; findings: [] };
  return { subjects: report.subjects, findings: report.findings.length };
}

/** Runs both benchmarks; throws when `moat` fails (exit 2 or more). */
export async function runPostureBench(options: {
  quick?: boolean;
  runs?: number;
  moatBin: string;
}): Promise<PostureBenchResult> {
  const quick = options.quick === true;
  const runs = Math.max(1, options.runs ?? 3);
  const workloads = quick ? 1_000 : 10_000;
  const containers = quick ? 10 : 50;
  const loadBefore = currentLoad();
  const { dir, cleanup } = await makeTempDir('posture-bench');
  try {
    const tree = join(dir, 'manifests');
    const files = await writeManifestTree(tree, workloads);
    const k8sArgs = [options.moatBin, 'audit', 'k8s', tree, '--format', 'json', ...BENCH_K8S_FLAGS];
    const manifests: PostureCase = {
      command: `moat audit k8s DIR --format json ${BENCH_K8S_FLAGS.join(' ')} > /dev/null`,
      size: `${workloads} workloads in ${files} files`,
      targetSeconds: 5,
      ...(await timed(k8sArgs, runs)),
      ...(await counted(k8sArgs, join(dir, 'k8s.json'))),
    };
    const oneJob = [...k8sArgs, '--jobs', '1'];
    const manifestsOneJob: PostureCase = {
      ...manifests,
      command: `${manifests.command} --jobs 1`,
      ...(await timed(oneJob, runs)),
      ...(await counted(oneJob, join(dir, 'k8s-1.json'))),
    };
    const result: PostureBenchResult = { mode: quick ? 'quick' : 'full', runs, manifests,
      manifestsOneJob, loadBefore, loadAverage: [] };

    const cannot = skipReason('the host audit bench', {
      root: true,
      tools: ['podman', 'runc', 'busybox'],
    });
    if (cannot !== undefined) {
      result.hostSkipped = cannot;
    } else {
      result.host = await hostCase(join(dir, 'host'), containers, runs, options.moatBin);
    }

    result.loadAverage = currentLoad();
    return result;
  } finally {
    await cleanup();
  }
}

function currentLoad(): number[] {
  return loadavg().map((load) => Math.round(load * 100) / 100);
}

async function hostCase(dir: string, count: number, runs: number, moat: string) {
  console.error(`starting ${count} podman containers`);
  const host = await startBenchHost(dir, count);
  const saved = { ...process.env };
  Object.assign(process.env, host.env);
  try {
    const args = [moat, 'audit', 'host', ...host.auditArgs, '--format', 'json'];
    return {
      command: 'moat audit host --podman-root R --podman-runroot RR --format json > /dev/null',
      size: `${count} running containers (and any others on the host)`,
      targetSeconds: 2,
      ...(await timed(args, runs)),
      ...(await counted(args, join(dir, 'host.json'))),
    };
  } finally {
    process.env = saved;
    host.stop();
  }
}

function row(name: string, c: PostureCase): string {
  const met = c.seconds <= c.targetSeconds ? 'yes' : 'no';
  const cells = [name, c.size, c.subjects, c.findings, c.seconds.toFixed(2),
    c.cpuSeconds.toFixed(2), Math.round(c.peakRssKiB / 1024), c.targetSeconds, met];
  return `| ${cells.join(' | ')} |`;
}

/** The result as a Markdown table with the machine's load average. */
export function formatPostureBench(result: PostureBenchResult): string {
  const lines = [
    `Posture audits, ${result.mode} mode, median of ${result.runs} run(s):`,
    '',
    '| bench | size | judged | findings | wall s | CPU s | peak RSS MiB | target s | met |',
    '|---|---|---|---|---|---|---|---|---|',
    row('`moat audit k8s`', result.manifests),
  ];
  if (result.manifestsOneJob !== undefined) {
    lines.push(row('`moat audit k8s --jobs 1`', result.manifestsOneJob));
  }

  if (result.host !== undefined) {
    lines.push(row('`moat audit host`', result.host));
  }

  const before = result.loadBefore === undefined ? '' : ` (before: ${result.loadBefore.join(' ')})`;
  lines.push('', `load average: ${result.loadAverage.join(' ')}${before}`);
  if (result.hostSkipped !== undefined) {
    lines.push('', `host bench not run: ${result.hostSkipped}`);
  }

  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      runs: { type: 'string', default: '3' },
      moat: { type: 'string', default: MOAT },
    },
  });
  const result = await runPostureBench({
    quick: values.quick,
    runs: Number.parseInt(values.runs, 10) || 3,
    moatBin: values.moat,
  });
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n`
    : formatPostureBench(result));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
  });
}
