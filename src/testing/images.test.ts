import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skopeoInspect, toDockerArchive, toOciArchive } from './image-export.js';
import { buildImage, buildPlatformIndex } from './images.js';
import type { BuiltImage, Compression, ImageSpec } from './images.js';
import { makeTempDir, skipReason } from './requirements.js';
import { run } from './run.js';

const spec = (compression: Compression): ImageSpec => ({
  compression,
  tag: 'v1',
  layers: [
    { files: { 'etc/os-release': 'ID=moat\n', 'bin/sh': { content: '#!', mode: 0o755 } } },
    {
      files: {
        'etc/.wh.os-release': '',
        'usr/lib/os-release': 'ID=moat\nVERSION_ID=2\n',
        'etc/os-release': { type: 'symlink', target: '../usr/lib/os-release' },
        'bin/ash': { type: 'hardlink', target: 'bin/sh' },
      },
      createdBy: 'RUN rewrite os-release',
    },
  ],
  history: [
    { created: '2024-01-01T00:00:00Z', created_by: 'ADD base /' },
    { created: '2024-01-01T00:00:00Z', created_by: 'ENV A=1', empty_layer: true },
    { created: '2024-01-01T00:00:00Z', created_by: 'RUN rewrite os-release' },
  ],
});

/** Lists the entry names of one layer blob, decompressing with the real tar/zstd. */
async function tarNames(blob: string, compression: Compression): Promise<string[]> {
  const flag = { gzip: ['-z'], zstd: ['--zstd'], none: [] }[compression];
  const { stdout } = await run('tar', [...flag, '-tf', blob]);
  return stdout.trim().split('\n');
}

const blobPath = (image: BuiltImage, digest: string) =>
  join(image.layout, 'blobs', 'sha256', digest.slice('sha256:'.length));

describe.skipIf(skipReason('image builder checks', { tools: ['skopeo', 'zstd', 'tar'] }))(
  'buildImage',
  () => {
    let temp: { dir: string; cleanup: () => Promise<void> };
    beforeAll(async () => {
      temp = await makeTempDir('images');
    });
    afterAll(async () => temp.cleanup());

    it.each<Compression>(['gzip', 'zstd', 'none'])(
      'writes a %s layout that skopeo reads with the same digests',
      async (compression) => {
        const image = await buildImage(join(temp.dir, compression), spec(compression));

        const manifest = await skopeoInspect(image.reference, 'raw');
        const layers = manifest.layers as { digest: string; mediaType: string }[];
        expect(layers.map((layer) => layer.digest)).toEqual(image.layers.map((l) => l.digest));
        expect(layers[0]?.mediaType).toMatch(compression === 'none' ? /tar$/ : compression);

        const config = await skopeoInspect(image.reference, 'config');
        expect((config.rootfs as { diff_ids: string[] }).diff_ids).toEqual(
          image.layers.map((layer) => layer.diffId),
        );
        expect(config.history).toHaveLength(3);

        const names = await tarNames(blobPath(image, image.layers[1]!.digest), compression);
        expect(names).toEqual([
          'etc/', 'etc/.wh.os-release', 'usr/', 'usr/lib/', 'usr/lib/os-release',
          'etc/os-release', 'bin/', 'bin/ash',
        ]);
      },
    );

    it('hashes the uncompressed tar as the diff_id', async () => {
      const image = await buildImage(join(temp.dir, 'diffid'), spec('gzip'));
      const layer = image.layers[0]!;
      const { stdout } = await run('sh', ['-c', 'gzip -dc "$1" | sha256sum', 'sh',
        blobPath(image, layer.digest)]);

      expect(`sha256:${stdout.split(' ')[0]}`).toBe(layer.diffId);
      expect(layer.files).toBe(2);
    });

    it('rejects history that does not match the layers', async () => {
      const bad = { ...spec('gzip'), history: [{ created_by: 'only one' }] };
      await expect(buildImage(join(temp.dir, 'bad'), bad)).rejects.toThrow(/2 layers/);
    });

    it('fails on an unreadable source and leaves no partial blob', async () => {
      const layout = join(temp.dir, 'missing');
      const bad: ImageSpec = { layers: [{ from: join(temp.dir, 'no-such-dir') }] };

      await expect(buildImage(layout, bad)).rejects.toThrow(/ENOENT/);
      expect(await readdir(join(layout, 'blobs', 'sha256'))).toEqual([]);
    });

    it('rejects zstd layers in Docker format', async () => {
      const bad: ImageSpec = { ...spec('zstd'), format: 'docker' };
      await expect(buildImage(join(temp.dir, 'dz'), bad)).rejects.toThrow(/zstd/);
    });

    it('writes Docker schema 2 media types when asked', async () => {
      // skopeo's oci: transport reads only OCI manifests; toDockerArchive gives Docker forms.
      const docker: ImageSpec = { ...spec('gzip'), format: 'docker' };
      const image = await buildImage(join(temp.dir, 'docker'), docker);
      const manifest = JSON.parse(await readFile(blobPath(image, image.manifestDigest), 'utf8'));

      expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
      expect(manifest.layers[0].mediaType).toMatch(/^application\/vnd\.docker\..*\.tar\.gzip$/);
    });

    it('packs a directory with its prefix, modes and symlinks', async () => {
      const src = join(temp.dir, 'src');
      await mkdir(join(src, 'lib'), { recursive: true });
      await run('sh', ['-c', 'echo hi > "$1/lib/a" && chmod 600 "$1/lib/a" && ln -s a "$1/lib/b"',
        'sh', src]);
      const image = await buildImage(join(temp.dir, 'fromdir'), {
        layers: [{ from: src, prefix: 'opt/app' }],
      });

      const { stdout } = await run('tar', ['-tvzf', blobPath(image, image.layers[0]!.digest)]);
      expect(stdout).toMatch(/-rw------- .* opt\/app\/lib\/a\n/);
      expect(stdout).toMatch(/opt\/app\/lib\/b -> a/);
      expect(stdout.split('\n')[0]).toMatch(/ opt\/$/);
    });

    it.each(['oci-archive', 'docker-archive'])('converts to %s that skopeo reads', async (kind) => {
      const image = await buildImage(join(temp.dir, `conv-${kind}`), spec('gzip'));
      const out = join(temp.dir, `out-${kind}`);
      await mkdir(out);
      const ref = kind === 'oci-archive'
        ? await toOciArchive(image, out)
        : await toDockerArchive(image, out);

      const config = await skopeoInspect(ref, 'config');
      expect((config.rootfs as { diff_ids: string[] }).diff_ids).toEqual(
        image.layers.map((layer) => layer.diffId),
      );
      expect(await readdir(out)).toHaveLength(1);
    });

    it('writes names longer than 100 bytes that tar reads back', async () => {
      const long = `opt/${'a'.repeat(120)}/${'b'.repeat(90)}.txt`;
      const spec: ImageSpec = { layers: [{ files: { [long]: 'x' } }] };
      const image = await buildImage(join(temp.dir, 'long'), spec);

      expect(await tarNames(blobPath(image, image.layers[0]!.digest), 'gzip')).toContain(long);
    });

    it('keeps other tags of a shared layout and writes platform indexes', async () => {
      const layout = join(temp.dir, 'shared');
      const arch = (architecture: string) => buildImage(layout, {
        tag: architecture, architecture, layers: [{ files: { 'etc/arch': architecture } }],
      });
      const amd64 = await arch('amd64');
      const arm64 = await arch('arm64');
      await buildPlatformIndex(layout, 'multi', [{ image: amd64 }, { image: arm64 }]);

      const arm = ['--override-arch', 'arm64'];
      const picked = await skopeoInspect(`oci:${layout}:multi`, 'config', arm);
      expect(picked.architecture).toBe('arm64');
      expect((await skopeoInspect(`oci:${layout}:amd64`, 'config')).architecture).toBe('amd64');
    });

    it('keeps the layout files the image-layout spec requires', async () => {
      const image = await buildImage(join(temp.dir, 'files'), spec('gzip'));
      const index = JSON.parse(await readFile(join(image.layout, 'index.json'), 'utf8'));

      expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('v1');
      expect(await readFile(join(image.layout, 'oci-layout'), 'utf8')).toContain('1.0.0');
    });
  },
);
