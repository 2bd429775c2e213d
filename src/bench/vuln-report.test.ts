import { describe, expect, it } from 'vitest';
import type { MatchingRun, MatchingWay } from './vuln-match.js';
import { formatVulnBench, type VulnBenchResult } from './vuln-report.js';

const summary = (seconds: number) =>
  ({ seconds, all: [seconds], cpuSeconds: seconds, peakRssKiB: 200 * 1024 });

const run = (way: MatchingWay, warmMs: number): MatchingRun => ({
  way, packages: 10_000, findings: 25_137, digest: 'd', openMs: 3, coldMs: 900, coldCpuMs: 950,
  coldReadMs: 400, warmMs, warmCpuMs: warmMs, warmReadMs: 20, warmAll: [warmMs, warmMs + 1],
  rssMiB: 300,
});

const result = (warmMs: number, scanSeconds?: number): VulnBenchResult => ({
  date: '2026-01-01T00:00:00.000Z',
  mode: 'full',
  import: { files: 8, seconds: 11.2, cpuSeconds: 9.5, peakRssKiB: 150 * 1024, dbBytes: 3 << 27 },
  matching: { packages: 10_000, findings: 25_137, identical: true,
    runs: [run('one-shot', 2_000), run('held', warmMs), run('held-no-verdicts', 700)] },
  ...(scanSeconds === undefined ? {} : {
    scan: { reference: 'oci:/x:full', baseline: summary(10), moat: summary(scanSeconds),
      ratio: scanSeconds / 10 },
  }),
});

describe('formatVulnBench', () => {
  it('shows each measure with its target met or missed', () => {
    const text = formatVulnBench(result(80, 12));
    expect(text).toContain('| database size | 384 MiB |');
    expect(text).toMatch(/same inventory again: median of 2 warm calls \| 80 ms .*\(met\)/);
    expect(text).toContain('25,137, identical in every way of matching (SHA-256 `d…`)');
    expect(text).toMatch(/11\.2 s wall.*\(met\)/);
    expect(text).toContain('1.20× (met)');
    expect(text).toContain('25,137');
  });

  it('says when a target is missed and when the scan was not measured', () => {
    const text = formatVulnBench(result(450));
    expect(text).toMatch(/450 ms \(missed\)/);
    // A held matcher that keeps no verdicts is held to the same target.
    expect(text).toMatch(/every version new\): median of 2 warm calls \| 700 ms \(missed\)/);
    expect(text).toMatch(/one-shot, as `moat scan`\): median of 2 warm calls \| 2000 ms \(CPU/);
    expect(text).toContain('not measured: no benchmark image');
  });
});
