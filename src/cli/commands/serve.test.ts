// `moat serve` as a process: the first start prints the generated admin password once, the
// password works, and SIGTERM shuts the server down cleanly.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../server/__tests__/harness.js';
import { buildCli, spawnServer } from '../../server/__tests__/spawn-server.js';
import { makeTempDir } from '../../testing/requirements.js';

const built = await buildCli();
if (!built) {
  console.log('skipping the moat serve process test: the CLI does not build');
}

describe.skipIf(!built)('moat serve', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => (temp = await makeTempDir('serve-cli')));
  afterAll(() => temp.cleanup());

  it('prints a generated admin password once and stops on SIGTERM', async () => {
    const data = join(temp.dir, 'data');
    const first = await spawnServer(data, 'info', {});
    const printed = /created user admin with password (\S+)/.exec(first.stderr());
    expect(printed).not.toBeNull();
    const auth = `Basic ${Buffer.from(`admin:${printed?.[1] ?? ''}`).toString('base64')}`;
    expect((await call(first.url, 'GET', '/v2/', { headers: { Authorization: auth } })).status)
      .toBe(200);

    await first.stop();
    expect(first.child.exitCode).toBe(0);
    expect(first.stderr()).toContain('"shutting down"');

    const second = await spawnServer(data, 'info', {});
    await second.stop();
    expect(second.stderr()).not.toContain('created user admin');
  }, 60_000);
});
