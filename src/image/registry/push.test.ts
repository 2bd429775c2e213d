// The artifact writer against the reference registry with token authentication: pushes need
// a push-scoped token, a reader-only user is refused, and reads find what was written.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../digest.js';
import { REGISTRY_NEEDS, startRegistry, type TestRegistry } from '../../testing/registry.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { MediaType } from '../media-types.js';
import { openRegistryWriter } from './push.js';

const skip = skipReason('registry push tests', REGISTRY_NEEDS);

describe.skipIf(skip)('RegistryWriter', () => {
  let registry: TestRegistry;
  let temp: { dir: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    temp = await makeTempDir('registry-push');
    registry = await startRegistry({
      auth: 'token',
      users: {
        writer: { password: 'w-pw', pull: ['*'], push: ['*'] },
        reader: { password: 'r-pw', pull: ['*'] },
      },
    });
  });

  afterAll(async () => {
    await registry?.stop();
    await temp?.cleanup();
  });

  async function open(user: string, password: string) {
    const authFile = join(temp.dir, `${user}.json`);
    const auth = Buffer.from(`${user}:${password}`).toString('base64');
    await writeFile(authFile, JSON.stringify({ auths: { [registry.host]: { auth } } }));
    return openRegistryWriter(`${registry.host}/team/artifacts:t1`, {
      authFile,
      env: { HOME: temp.dir },
    });
  }

  it('pushes blobs once, puts a manifest under a tag and reads it back', async () => {
    const writer = await open('writer', 'w-pw');
    expect(await writer.getManifest({ tag: 't1' })).toBeUndefined();

    const config = Buffer.from('{}');
    const layer = Buffer.from('payload bytes');
    const configDesc = await writer.pushBlob(config, 'application/vnd.oci.empty.v1+json');
    const layerDesc = await writer.pushBlob(layer, 'text/plain');
    expect(await writer.pushBlob(layer, 'text/plain')).toEqual(layerDesc);
    expect(layerDesc).toEqual({ mediaType: 'text/plain', digest: digestOf(layer), size: 13 });

    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: configDesc,
      layers: [layerDesc],
    }));
    const put = await writer.putManifest('t1', manifest, MediaType.ociManifest);
    expect(put.descriptor.digest).toBe(digestOf(manifest));

    const back = await writer.getManifest({ tag: 't1' });
    expect(back?.bytes.equals(manifest)).toBe(true);
    expect((await writer.getBlob(layerDesc, 1024)).equals(layer)).toBe(true);
    // distribution 2.8 has no referrers API: that is "none", not an error.
    expect(await writer.referrers(put.descriptor.digest)).toBeUndefined();
  });

  it('is refused a push by a user who may only pull', async () => {
    const writer = await open('reader', 'r-pw');
    await expect(writer.pushBlob(Buffer.from('x'), 'text/plain')).rejects.toMatchObject({
      code: expect.stringMatching(/UNAUTHORIZED|DENIED/) as unknown,
    });
  });
});
