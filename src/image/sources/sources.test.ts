import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDockerArchive, toOciArchive } from '../../testing/image-export.js';
import {
  buildImage,
  buildPlatformIndex,
  type BuiltImage,
  type ImageSpec,
} from '../../testing/images.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { run } from '../../testing/run.js';
import { collectImage } from '../collect.js';
import { openImage, type OpenImageOptions } from '../open.js';
import { parsePlatform } from '../platform.js';
import { contentCataloger } from '../testing/catalogers.js';
import { indexTar } from './tar-index.js';

let temp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir('sources');
});
afterAll(async () => temp.cleanup());

const spec: ImageSpec = {
  tag: 'v1',
  layers: [
    { files: { 'etc/os-release': 'ID=base\n', 'usr/bin/tool': 'T' } },
    { files: { 'etc/os-release': 'ID=top\n', 'etc/.wh.gone': '' }, createdBy: 'RUN top' },
  ],
};

/** Opens, collects /etc/os-release and returns what was read. */
async function read(reference: string, options: OpenImageOptions = {}) {
  const opened = await openImage(reference, options);
  if (opened.kind !== 'image') {
    throw new Error('expected an image');
  }

  const view = await collectImage(opened.source, opened.image, [
    contentCataloger('c', ['/etc/os-release', '/etc/arch']),
  ]);
  await opened.source.close();
  const release = (await view.readFile('/etc/os-release'))?.toString();
  const arch = (await view.readFile('/etc/arch'))?.toString();
  const layer = view.stat('/etc/os-release')?.layer;
  await view.close();
  return { image: opened.image, release, arch, layer };
}

describe.skipIf(skipReason('image sources', { tools: ['skopeo', 'tar'] }))('image sources', () => {
  let image: BuiltImage;
  beforeAll(async () => {
    image = await buildImage(join(temp.dir, 'layout'), spec);
  });

  it('reads an OCI layout by tag and without one', async () => {
    for (const ref of [image.reference, `oci:${image.layout}`]) {
      const got = await read(ref);
      expect(got.release).toBe('ID=top\n');
      expect(got.image.manifestDigest).toBe(image.manifestDigest);
      expect(got.layer).toMatchObject({ index: 1, createdBy: 'RUN top' });
    }
  });

  it('names the tags a layout has when the tag is wrong', async () => {
    await expect(read(`${image.reference}x`)).rejects.toThrow(/has no image named "v1x".*v1/);
  });

  it('reads an oci-archive written by skopeo', async () => {
    const out = join(temp.dir, 'oci-archive');
    await mkdir(out);
    const ref = await toOciArchive(image, out);

    const got = await read(ref);
    expect(got.release).toBe('ID=top\n');
    expect(got.image.transport).toBe('oci-archive');
    expect(got.image.configDigest).toBe(image.configDigest);
  });

  it('reads a legacy docker-archive, verifying layers against diff_ids', async () => {
    const out = join(temp.dir, 'docker-archive');
    await mkdir(out);
    const ref = await toDockerArchive(image, out, 'moat/app');

    for (const text of [ref, `${ref}:moat/app:v1`, `${ref}:@0`]) {
      const got = await read(text);
      expect(got.release).toBe('ID=top\n');
      expect(got.layer?.diffId).toBe(image.layers[1]?.diffId);
      expect(got.image.configDigest).toBe(image.configDigest);
    }

    await expect(read(`${ref}:other:tag`)).rejects.toThrow(/tags: docker.io\/moat\/app:v1/);
  });

  it('rejects a docker-archive layer whose bytes do not match its diff_id', async () => {
    const out = join(temp.dir, 'docker-tampered');
    await mkdir(out);
    const ref = await toDockerArchive(image, out, 'moat/app');
    const file = ref.slice('docker-archive:'.length);
    const bytes = await readFile(file);
    const at = bytes.indexOf('ID=top');
    expect(at).toBeGreaterThan(0);
    bytes.write('ID=tap', at);
    await writeFile(file, bytes);

    await expect(read(ref)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('reads a Docker 25 archive through its embedded OCI layout', async () => {
    const layout = join(temp.dir, 'docker25');
    const built = await buildImage(layout, { ...spec, format: 'docker' });
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8'));
    index.manifests[0].annotations['io.containerd.image.name'] = 'docker.io/library/app:v1';
    await writeFile(join(layout, 'index.json'), JSON.stringify(index));
    const manifest = await readFile(join(layout, 'blobs/sha256', built.manifestDigest.slice(7)));
    const parsed = JSON.parse(manifest.toString());
    const docker = [{
      Config: `blobs/sha256/${built.configDigest.slice(7)}`,
      RepoTags: ['app:v1'],
      Layers: parsed.layers.map((l: { digest: string }) => `blobs/sha256/${l.digest.slice(7)}`),
    }];
    await writeFile(join(layout, 'manifest.json'), JSON.stringify(docker));
    const tar = join(temp.dir, 'docker25.tar');
    await run('tar', ['-C', layout, '-cf', tar, '.']);

    for (const text of [`docker-archive:${tar}`, `docker-archive:${tar}:app:v1`]) {
      const got = await read(text);
      expect(got.release).toBe('ID=top\n');
      expect(got.image.manifestDigest).toBe(built.manifestDigest);
    }
  });

  it('picks a platform from a nested multi-arch index', async () => {
    const layout = join(temp.dir, 'multi');
    const arch = (architecture: string) => buildImage(layout, {
      tag: architecture,
      architecture,
      layers: [{ files: { 'etc/arch': architecture } }],
    });
    const amd64 = await arch('amd64');
    const arm64 = await arch('arm64');
    await buildPlatformIndex(layout, 'multi', [{ image: amd64 }, { image: arm64 }]);
    const ref = `oci:${layout}:multi`;

    expect((await read(ref, { platform: parsePlatform('linux/arm64') })).arch).toBe('arm64');
    expect((await read(ref, { platform: parsePlatform('linux/amd64') })).arch).toBe('amd64');
    await expect(read(ref, { platform: parsePlatform('linux/s390x') })).rejects.toThrow(
      /available: linux\/amd64, linux\/arm64/,
    );
    await expect(read(`oci:${layout}:amd64`, { platform: parsePlatform('linux/arm64') }))
      .rejects.toMatchObject({ code: 'PLATFORM_NOT_FOUND' });
  });

  it('reads archives whose member names need PAX or GNU long-name headers', async () => {
    const layout = join(temp.dir, `${'deep/'.repeat(30)}layout`);
    await buildImage(layout, spec);
    for (const format of ['gnu', 'pax']) {
      const tar = join(temp.dir, `long-${format}.tar`);
      await run('tar', [`--format=${format}`, '-C', temp.dir, '-cf', tar, 'deep']);
      const members = await run('tar', ['-tf', tar]);
      expect(members.stdout).toContain(`${'deep/'.repeat(30)}layout/index.json`);

      const index = await indexTar(tar, 1000);
      expect(index.has(`${'deep/'.repeat(30)}layout/oci-layout`)).toBe(true);
    }
  });

  it.each([
    ['a missing directory', 'oci:/nonexistent/moat', 'NOT_FOUND'],
    ['a missing archive', 'oci-archive:/nonexistent/moat.tar', 'NOT_FOUND'],
  ])('rejects %s', async (_name, ref, code) => {
    await expect(openImage(ref)).rejects.toMatchObject({ code });
  });

  it('rejects a directory that is not a layout and a file that is not a tar', async () => {
    const dir = join(temp.dir, 'not-layout');
    await mkdir(dir);
    await expect(openImage(`oci:${dir}`)).rejects.toMatchObject({ code: 'LAYOUT_INVALID' });
    const file = join(temp.dir, 'junk.tar');
    await writeFile(file, Buffer.alloc(1024, 0x41));
    await expect(openImage(`oci-archive:${file}`)).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
    });
  });
});
