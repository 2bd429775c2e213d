// The posture bench's inputs are real workloads that the audit judges, the same on every run;
// its table says what was measured. Never timed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMoat } from '../posture/testing/cli.js';
import { makeTempDir } from '../testing/requirements.js';
import { BENCH_K8S_FLAGS, formatPostureBench, type PostureCase } from './posture.js';
import { workloadManifest, writeManifestTree } from './posture-manifests.js';

describe('posture bench manifests', () => {
  it('are deterministic and cover the three workload kinds', () => {
    expect(workloadManifest(7)).toBe(workloadManifest(7));
    expect([0, 1, 2].map((i) => /kind: (\w+)/.exec(workloadManifest(i))?.[1])).toEqual([
      'Deployment',
      'StatefulSet',
      'CronJob',
    ]);
  });

  it('are judged workload by workload, with lines in multi-document files', async () => {
    const { dir, cleanup } = await makeTempDir('posture-bench-test');
    try {
      expect(await writeManifestTree(dir, 30, 10)).toBe(3);
      const run = await runMoat(['audit', 'k8s', dir, '--format', 'json', ...BENCH_K8S_FLAGS]);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as {
        subjects: number;
        notes: unknown[];
        findings: { controlId: string; file: string; line: number; path: string }[];
      };
      expect(report.subjects).toBe(30);
      expect(report.notes).toEqual([]);

      // Workload 0 opens the first file; its sidecar `envoy` asks for NET_ADMIN.
      const text = await readFile(join(dir, 'team-0', 'release-0.yaml'), 'utf8');
      const finding = report.findings.find(
        (f) => f.controlId === 'MOAT-K8S-021' && f.file.endsWith('release-0.yaml'),
      );
      expect(finding).toBeDefined();
      expect(text.split('\n')[(finding?.line ?? 0) - 1]).toMatch(/add: \[NET_ADMIN/);
    } finally {
      await cleanup();
    }
  });
});

describe('formatPostureBench', () => {
  const k8s: PostureCase = {
    command: 'moat audit k8s',
    size: '10000 workloads in 200 files',
    targetSeconds: 5,
    subjects: 10_000,
    findings: 185_000,
    seconds: 4.2,
    all: [4.2],
    cpuSeconds: 3.9,
    peakRssKiB: 600 * 1024,
  };

  it('prints a row per case, the load and why the host case did not run', () => {
    const text = formatPostureBench({
      mode: 'full',
      runs: 1,
      loadBefore: [4, 3, 2],
      loadAverage: [1.5, 2, 3],
      manifests: k8s,
      manifestsOneJob: { ...k8s, seconds: 6.5, cpuSeconds: 3.5 },
      hostSkipped: 'needs root',
    });
    expect(text).toContain('| `moat audit k8s` | 10000 workloads in 200 files | 10000 | 185000 |');
    expect(text).toContain('| 4.20 | 3.90 | 600 | 5 | yes |');
    expect(text).toContain('| `moat audit k8s --jobs 1` | 10000 workloads in 200 files |');
    expect(text).toContain('| 6.50 | 3.50 | 600 | 5 | no |');
    expect(text).toContain('load average: 1.5 2 3 (before: 4 3 2)');
    expect(text).toContain('host bench not run: needs root');
  });
});
