import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltImage } from '../../testing/images.js';
import { run } from '../../testing/run.js';
import { digestOf } from '../digest.js';
import { startRegistry, REGISTRY_NEEDS, type TestRegistry } from '../../testing/registry.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import type { Descriptor, ImageSource, Platform } from '../types.js';
import { openRegistrySource } from './index.js';
import {
  buildMultiArchLayout,
  buildSingleImage,
  skopeoPush,
} from '../../testing/registry-images.js';

const skip = skipReason('registry pull tests', REGISTRY_NEEDS);

async function hashBlob(source: ImageSource, desc: Descriptor): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await source.openBlob(desc)) {
    hash.update(chunk as Buffer);
  }

  return `sha256:${hash.digest('hex')}`;
}

describe.skipIf(skip)('pulling from the reference registry anonymously', () => {
  let registry: TestRegistry;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let single: BuiltImage;
  let dockerDigest: string;
  let multi: Awaited<ReturnType<typeof buildMultiArchLayout>>;
  const env = (): NodeJS.ProcessEnv => ({ HOME: temp.dir });

  beforeAll(async () => {
    temp = await makeTempDir('registry-pull');
    registry = await startRegistry();
    const authFile = join(temp.dir, 'empty-auth.json');
    await writeFile(authFile, '{}');
    single = await buildSingleImage(temp.dir);
    await skopeoPush(single.reference, `${registry.host}/moat/single:v1`, { authFile });
    await skopeoPush(single.reference, `${registry.host}/moat/docker:d1`, {
      authFile,
      format: 'v2s2',
    });
    const raw = await run('skopeo', [
      'inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/moat/docker:d1`,
    ]);
    dockerDigest = digestOf(Buffer.from(raw.stdout));
    multi = await buildMultiArchLayout(temp.dir);
    await skopeoPush(`oci:${multi.layout}:multi`, `${registry.host}/moat/multi:multi`, {
      authFile,
      all: true,
    });
  });

  afterAll(async () => {
    await registry?.stop();
    await temp?.cleanup();
  });

  it('resolves a tag and streams every layer with the right digest', async () => {
    const { source } = await openRegistrySource(`docker://${registry.host}/moat/single:v1`, {
      env: env(),
    });
    const image = await source.resolve();

    expect(image.manifestDigest).toBe(single.manifestDigest);
    expect(image.configDigest).toBe(single.configDigest);
    expect(image.layers.map((l) => l.digest)).toEqual(single.layers.map((l) => l.digest));
    for (const layer of image.layers) {
      expect(await hashBlob(source, layer)).toBe(layer.digest);
    }

    await source.close();
  });

  it('reads Docker v2 schema 2 manifests as they were pushed', async () => {
    const { source } = await openRegistrySource(`${registry.host}/moat/docker:d1`, { env: env() });
    const image = await source.resolve();

    expect(image.manifestMediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(image.manifestDigest).toBe(dockerDigest);
    for (const layer of image.layers) {
      expect(layer.mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
      expect(await hashBlob(source, layer)).toBe(layer.digest);
    }
  });

  it('resolves by digest and by tag plus digest', async () => {
    for (const ref of [
      `${registry.host}/moat/single@${single.manifestDigest}`,
      `${registry.host}/moat/single:v1@${single.manifestDigest}`,
    ]) {
      const { source } = await openRegistrySource(ref, { env: env() });
      const image = await source.resolve();
      expect(image.manifestDigest).toBe(single.manifestDigest);
      expect(image.reference).toBe(ref);
    }
  });

  it.each<[string, Platform]>([
    ['amd64', { os: 'linux', architecture: 'amd64' }],
    ['arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
  ])('chooses the %s manifest from a multi-arch index', async (arch, platform) => {
    const ref = `${registry.host}/moat/multi:multi`;
    const { source } = await openRegistrySource(ref, { env: env(), platform });
    const image = await source.resolve();

    expect(image.manifestDigest).toBe(multi.images[arch]?.manifestDigest);
    expect(image.config.architecture).toBe(arch);
    const [layer] = image.layers;
    expect(layer).toBeDefined();
    expect(await hashBlob(source, layer!)).toBe(layer!.digest);
  });

  it('refuses a platform the index does not have', async () => {
    const ref = `${registry.host}/moat/multi@${multi.indexDigest}`;
    const platform = { os: 'linux', architecture: 's390x' };
    const { source } = await openRegistrySource(ref, { env: env(), platform });

    await expect(source.resolve()).rejects.toMatchObject({ code: 'PLATFORM_NOT_FOUND' });
  });

  it('reports a blob the registry does not hold as an incomplete image', async () => {
    const { source } = await openRegistrySource(`${registry.host}/moat/single:v1`, { env: env() });
    const digest = digestOf(Buffer.from('never pushed'));
    const desc = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size: 12 };

    await expect(source.openBlob(desc)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('BLOB_UNKNOWN'),
    });
  });

  it.each([
    ['a missing tag', 'moat/single:nope'],
    ['a missing repository', 'moat/absent:v1'],
  ])('reports NOT_FOUND for %s', async (_what, path) => {
    const { source } = await openRegistrySource(`${registry.host}/${path}`, { env: env() });

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('no such repository or tag'),
    });
  });
});
