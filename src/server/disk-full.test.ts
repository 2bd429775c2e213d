// A full disk during an upload: a clear error, no partial blob, and the store keeps working.
import { spawnSync } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../image/digest.js';
import { silentLogger } from '../log.js';
import { openRegistry, type Registry } from '../registry/registry.js';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import { allowAllForProtocolTests, call } from './__tests__/harness.js';
import { buildApp } from './app.js';

const reason = skipReason('disk-full upload test', { root: true, tools: ['mount', 'umount'] });

describe.skipIf(reason !== undefined)('an upload onto a full disk', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let registry: Registry;
  let app: ReturnType<typeof buildApp>;
  let url = '';
  const data = () => join(temp.dir, 'small');
  beforeAll(async () => {
    temp = await makeTempDir('registry-disk-full');
    await mkdir(data());
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', data()]);
    expect(mounted.status, mounted.stderr.toString()).toBe(0);
    registry = await openRegistry(data());
    app = buildApp({ registry, policy: allowAllForProtocolTests, logger: silentLogger });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    registry?.close();
    spawnSync('umount', [data()]);
    await temp?.cleanup();
  });

  it('answers 507, stores nothing, and still takes a blob that fits', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 1);
    const post = await call(url, 'POST', `/v2/full/app/blobs/uploads/?digest=${digestOf(big)}`,
      { headers: { 'Content-Type': 'application/octet-stream' }, body: big });
    expect(post.status).toBe(507);
    expect(post.json().errors[0].message).toMatch(/no space left/);
    expect(await readdir(join(data(), 'tmp'))).toEqual([]);
    expect(await readdir(join(data(), 'blobs'))).toEqual([]);

    const session = await call(url, 'POST', '/v2/full/app/blobs/uploads/');
    const location = session.headers.get('location') ?? '';
    const patch = await call(url, 'PATCH', location,
      { headers: { 'Content-Type': 'application/octet-stream' }, body: big });
    expect(patch.status).toBe(507);
    const status = await call(url, 'GET', location);
    expect(status.headers.get('range')).toBe('0-0');

    const small = Buffer.from('fits');
    const ok = await call(url, 'POST', `/v2/full/app/blobs/uploads/?digest=${digestOf(small)}`,
      { headers: { 'Content-Type': 'application/octet-stream' }, body: small });
    expect(ok.status).toBe(201);
  });
});
