// Checks the measuring method, not any speed: no assertion here depends on timing.
import { describe, expect, it } from 'vitest';
import { skipReason } from '../testing/requirements.js';
import { measure, summarize } from './measure.js';

describe.skipIf(skipReason('bench measurement', { tools: ['python3'] }))('measure', () => {
  it('sees the peak memory of the measured process', async () => {
    const touch100MiB = 'data = b"x" * (100 * 1024 * 1024); print(len(data))';
    const result = await measure('python3', ['-c', touch100MiB]);

    expect(result.peakRssKiB).toBeGreaterThan(100 * 1024);
    expect(result.peakRssKiB).toBeLessThan(400 * 1024);
  });

  it('fails with the command’s error output when it exits non-zero', async () => {
    await expect(measure('sh', ['-c', 'echo broken >&2; exit 3'])).rejects.toThrow(
      /exited 3: broken/,
    );
  });
});

describe('summarize', () => {
  it('takes median times and the largest peak memory', () => {
    const runs = [
      { seconds: 3, cpuSeconds: 2, peakRssKiB: 100 },
      { seconds: 1, cpuSeconds: 1, peakRssKiB: 300 },
      { seconds: 2, cpuSeconds: 9, peakRssKiB: 200 },
    ];

    expect(summarize(runs)).toEqual({ seconds: 2, all: [3, 1, 2], cpuSeconds: 2, peakRssKiB: 300 });
  });
});
