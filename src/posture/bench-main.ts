// `node dist/posture/bench-main.js [--json]`: runs the posture benchmarks and prints the
// results (Markdown by default). Exit 0 whether or not the targets are met: a bench reports.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPostureBench } from './bench.js';

const root = await mkdtemp(join(tmpdir(), 'moat-posture-bench-'));
try {
  const result = await runPostureBench(root);
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ ...result, loadAverage: loadavg() }, null, 2)}\n`);
  } else {
    const row = (name: string, what: string, r: { ms: number; targetMs: number }): string =>
      `| ${name} | ${what} | ${r.ms} | ${r.targetMs} | ${r.ms <= r.targetMs ? 'yes' : 'no'} |`;
    process.stdout.write(
      [
        '| bench | size | ms | target ms | met |',
        '|---|---|---|---|---|',
        row('moat audit k8s', `${result.manifests.workloads} workloads`, result.manifests),
        row('moat audit host', `${result.host.containers} containers`, result.host),
        '',
        `load average: ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
        '',
      ].join('\n'),
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
