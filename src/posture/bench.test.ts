// Checks that the benchmark builds valid inputs and judges them (small sizes; never timed).
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/requirements.js';
import { runPostureBench } from './bench.js';

describe('runPostureBench', () => {
  it('audits the synthetic manifests and host', async () => {
    const { dir, cleanup } = await makeTempDir('posture-bench');
    try {
      const result = await runPostureBench(dir, 250, 4);
      expect(result.manifests.workloads).toBe(250);
      expect(result.host.containers).toBe(4);
      // Every synthetic container mounts docker.sock and has no CPU or PIDs limit.
      expect(result.host.findings).toBeGreaterThanOrEqual(4 * 3);
    } finally {
      await cleanup();
    }
  });
});
