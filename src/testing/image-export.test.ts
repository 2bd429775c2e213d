import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushToRegistry, skopeoInspect } from './image-export.js';
import { buildImage } from './images.js';
import type { BuiltImage } from './images.js';
import { REGISTRY_NEEDS, startRegistry } from './registry.js';
import type { TestRegistry } from './registry.js';
import { makeTempDir, skipReason } from './requirements.js';

describe.skipIf(skipReason('push to a test registry', REGISTRY_NEEDS))('pushToRegistry', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let image: BuiltImage;
  const registries: TestRegistry[] = [];
  beforeAll(async () => {
    temp = await makeTempDir('push');
    image = await buildImage(join(temp.dir, 'layout'), {
      tag: 'v1',
      layers: [{ files: { 'etc/hello': 'hi\n' } }, { files: { 'etc/bye': 'bye\n' } }],
    });
  });
  afterAll(async () => {
    await Promise.all(registries.map((registry) => registry.stop()));
    await temp.cleanup();
  });

  it('pushes to an anonymous registry, keeping the layer digests', async () => {
    const registry = await startRegistry();
    registries.push(registry);

    const ref = await pushToRegistry(image, registry.host, 'team/app');
    const pulled = await skopeoInspect(`docker://${ref}`, 'raw', ['--tls-verify=false']);

    expect(ref).toBe(`${registry.host}/team/app:v1`);
    const layers = pulled.layers as { digest: string }[];
    expect(layers.map((layer) => layer.digest)).toEqual(image.layers.map((l) => l.digest));
  });

  it('pushes with credentials, and fails without them', async () => {
    const users = { alice: { password: 's3cret-pw', pull: ['*'], push: ['*'] } };
    const registry = await startRegistry({ auth: 'htpasswd', users });
    registries.push(registry);

    await expect(pushToRegistry(image, registry.host, 'team/app')).rejects.toThrow(/skopeo/);
    const wrong = { username: 'alice', password: 'wrong-pw' };
    const failure = await pushToRegistry(image, registry.host, 'team/app', wrong).catch((e) => e);
    expect(String(failure)).toMatch(/alice:\*\*\*/);
    expect(String(failure)).not.toContain('wrong-pw');
    const ref = await pushToRegistry(image, registry.host, 'team/app', {
      username: 'alice',
      password: 's3cret-pw',
    });
    expect(ref).toContain('/team/app:v1');
  });
});
