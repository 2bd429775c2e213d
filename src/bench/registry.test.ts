// The registry bench's arithmetic, its flag limits, its table, and its load generator against
// the real reference registry. Never timed: only `npm run bench` measures speed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startRegistry } from '../testing/registry.js';
import { skipReason } from '../testing/requirements.js';
import { parseLoadOptions, runLoad } from './registry-load.js';
import {
  formatRegistryBench, type CopySeries, type LoadSeries, type RegistryBenchResult,
} from './registry-report.js';
import {
  median, megabytesPerSecond, parseProcStatCpu, percentile, ratio, summarizeLoad,
} from './registry-stats.js';

describe('registry bench arithmetic', () => {
  it.each([
    [50, 5], [99, 10], [100, 10], [10, 1], [1, 1],
  ])('takes the nearest-rank p%i of 1..10', (p, expected) => {
    expect(percentile(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), p)).toBe(expected);
  });

  it('refuses a percentile outside (0, 100] and answers 0 for no values', () => {
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(percentile([], 50)).toBe(0);
  });

  it('summarises a window in any order and says when latencies were sampled', () => {
    const result = summarizeLoad(Float64Array.from([9, 1, 5, 3, 7]),
      { requests: 6, errors: 2, answered: 8 }, 2);
    expect(result).toEqual({ answered: 8, requests: 6, errors: 2, seconds: 2, rps: 3, p50Ms: 5,
      p99Ms: 9, maxMs: 9, sampled: true });
    const none = { requests: 0, errors: 0, answered: 0 };
    expect(summarizeLoad(new Float64Array(0), none, 1).sampled).toBe(false);
  });

  it('counts decimal megabytes, ratios and medians', () => {
    expect(megabytesPerSecond(500_000_000, 4)).toBe(125);
    expect(megabytesPerSecond(1, 0)).toBe(0);
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([])).toBe(0);
  });

  it('reads CPU time from /proc/PID/stat, command names with spaces and parentheses too', () => {
    const line = '42 (a) b)) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0 99';
    expect(parseProcStatCpu(line, 100)).toBe(3);
    expect(parseProcStatCpu(readFileSync('/proc/self/stat', 'utf8'), 100)).toBeGreaterThan(0);
    expect(() => parseProcStatCpu('not a stat line', 100)).toThrow(RangeError);
  });
});

describe('load generator flags', () => {
  const url = 'http://127.0.0.1:5000/v2/bench/img/manifests/1';

  it('reads the defaults and the bounds', () => {
    const options = parseLoadOptions(['--url', url, '--out', 'x.json']);
    expect(options).toMatchObject({ connections: 100, seconds: 10, warmupSeconds: 2 });
    expect(options.url.href).toBe(url);
  });

  it.each([
    [['--url', 'http://10.0.0.1:5000/v2/', '--out', 'x']],
    [['--url', 'https://127.0.0.1:5000/v2/', '--out', 'x']],
    [['--url', url]],
    [['--url', url, '--out', 'x', '--connections', '0']],
    [['--url', url, '--out', 'x', '--connections', '1001']],
    [['--url', url, '--out', 'x', '--seconds', '121']],
    [['--url', url, '--out', 'x', '--seconds', '1.5']],
  ])('refuses %j', (argv) => {
    expect(() => parseLoadOptions(argv)).toThrow(RangeError);
  });
});

const copy = (seconds: number, mbps: number): CopySeries => ({ seconds, all: [seconds, seconds],
  cpuSeconds: 1, peakRssKiB: 1024, megabytesPerSecond: mbps, serverCpuSeconds: seconds / 2 });
const load = (rps: number): LoadSeries => ({ rps, allRps: [rps, rps], p50Ms: 1.25, p99Ms: 9.5,
  errors: 0, clientCpuSeconds: 4, serverCpuMicros: 1e6 / rps });

describe('formatRegistryBench', () => {
  const result: RegistryBenchResult = {
    date: '2026-12-04T00:00:00Z', mode: 'full', runs: 2, connections: 100, loadSeconds: 10,
    loadAverage: { start: [1.5, 1], end: [2, 1.25] },
    image: { layers: 5, bytes: 524_400_000, manifestDigest: 'sha256:abc' },
    reference: { push: copy(5, 104.9), pull: copy(4, 131.1), load: load(4000) },
    moat: { push: copy(4, 131.1), pull: copy(5, 104.9), load: load(7000) },
  };

  it('puts both registries, the ratios and whether each target is met in one table', () => {
    const text = formatRegistryBench(result);
    expect(text).toContain('Registry, full mode, 5 layers (524.4 MB), median of 2');
    expect(text).toContain('| push (`skopeo copy oci: docker://`) MB/s | 104.9 | 131.1 | ' +
      '1.25× | ≥ 1.0× | yes |');
    expect(text).toContain('| pull (`skopeo copy docker:// oci:`) MB/s | 131.1 | 104.9 | ' +
      '0.80× | ≥ 1.0× | no |');
    expect(text).toContain('| manifest GET requests/s, median (all runs) | 4000 (4000, 4000) | ' +
      '7000 (7000, 7000) | 1.75× | ≥ 1.5× | yes |');
    expect(text).toContain('| manifest GET p50 / p99 ms | 1.25 / 9.50 | 1.25 / 9.50 |');
    expect(text).toContain('| push (`skopeo copy oci: docker://`) server CPU s, median | 2.50 | ' +
      '2.00 | 0.80× |');
    expect(text).toContain('| server CPU µs per manifest GET, median | 250 | 143 | 0.57× |');
    expect(text).toContain('load average: 1.5 1 at the start, 2 1.25 at the end');
    expect(text).toContain('manifest sha256:abc');
  });

  it('says why the part or the manifest GETs did not run', () => {
    const skipped = { ...result, reference: undefined, moat: undefined,
      skipped: 'needs skopeo' };
    delete skipped.reference;
    delete skipped.moat;
    expect(formatRegistryBench(skipped)).toContain('registry bench not run: needs skopeo');
    const noLoad = { ...result, reference: { push: copy(1, 1), pull: copy(1, 1) },
      loadSkipped: 'build first' };
    const text = formatRegistryBench(noLoad);
    expect(text).not.toContain('requests/s');
    expect(text).toContain('manifest GETs not measured: build first');
  });
});

const reason = skipReason('the registry load generator test', { tools: ['docker-registry'] });

describe.skipIf(reason !== undefined)('runLoad against the reference registry', () => {
  it('counts answered requests and failed ones', async () => {
    const registry = await startRegistry();
    try {
      const base = { accept: 'application/json', connections: 4, seconds: 1, warmupSeconds: 0 };
      const ok = await runLoad({ ...base, url: new URL(`${registry.url}/v2/`) });
      expect(ok.requests).toBeGreaterThan(0);
      expect(ok.errors).toBe(0);
      expect(ok.p99Ms).toBeGreaterThanOrEqual(ok.p50Ms);
      const missing = await runLoad({ ...base,
        url: new URL(`${registry.url}/v2/bench/none/manifests/1`) });
      expect(missing.requests).toBe(0);
      expect(missing.errors).toBeGreaterThan(0);
    } finally {
      await registry.stop();
    }
  }, 30_000);
});
