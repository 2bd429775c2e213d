import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, type BuiltImage, type ImageSpec } from '../testing/images.js';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import { run } from '../testing/run.js';
import { collectImage, type CollectOptions } from './collect.js';
import { openImage } from './open.js';
import { contentCataloger } from './testing/catalogers.js';
import {
  blobFile,
  editManifest,
  flipByte,
  replaceLayer,
} from './testing/layout-edit.js';

let temp: { dir: string; cleanup: () => Promise<void> };
let counter = 0;
beforeAll(async () => {
  temp = await makeTempDir('collect-errors');
});
afterAll(async () => temp.cleanup());

const simple: ImageSpec = {
  layers: [{ files: { 'etc/os-release': 'ID=x\n', 'bin/big': 'b'.repeat(20_000) } }],
};

async function build(spec: ImageSpec = simple): Promise<BuiltImage> {
  counter += 1;
  return buildImage(join(temp.dir, `img${counter}`), spec);
}

async function collectRef(reference: string, options: CollectOptions = {}) {
  const opened = await openImage(reference);
  if (opened.kind !== 'image') {
    throw new Error('expected an image');
  }

  try {
    const catalogers = [contentCataloger('c', ['/etc/os-release'])];
    return await collectImage(opened.source, opened.image, catalogers, options);
  } finally {
    await opened.source.close();
  }
}

async function layerBytes(image: BuiltImage, index = 0): Promise<Buffer> {
  return readFile(blobFile(image.layout, image.layers[index]?.digest ?? ''));
}

async function zstd(bytes: Buffer): Promise<Buffer> {
  const dir = join(temp.dir, `z${counter}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'in'), bytes);
  await run('zstd', ['-q', '-f', join(dir, 'in'), '-o', join(dir, 'out')]);
  return readFile(join(dir, 'out'));
}

describe.skipIf(skipReason('collector error handling', { tools: ['zstd'] }))('bad images', () => {
  it.each([
    ['truncated gzip', async (tar: Buffer) => gzipSync(tar).subarray(0, 200)],
    ['corrupt gzip', async (tar: Buffer) => Buffer.concat([Buffer.from([0x1f, 0x8b, 8]), tar])],
    ['truncated zstd', async (tar: Buffer) => (await zstd(tar)).subarray(0, 60)],
    ['corrupt zstd', async (tar: Buffer) => {
      const z = await zstd(tar);
      z.fill(0xff, 20, 40);
      return z;
    }],
    ['truncated tar', async (tar: Buffer) => tar.subarray(0, 1000)],
    ['a garbage tar', async () => Buffer.alloc(2048, 0x41)],
  ])('rejects %s as CORRUPT_LAYER naming the layer', async (_name, corrupt) => {
    const image = await build({ ...simple, compression: 'none' });
    const tar = await layerBytes(image);
    await replaceLayer(image.layout, 0, await corrupt(tar));

    const error = collectRef(image.reference);
    await expect(error).rejects.toMatchObject({ code: 'CORRUPT_LAYER' });
    await expect(error).rejects.toThrow(/layer 0 \(sha256:[0-9a-f]{64}\) of oci:/);
  });

  const flip = (pick: (image: BuiltImage) => string, at = 10) => (image: BuiltImage) =>
    flipByte(image.layout, pick(image), at);
  it.each([
    ['manifest', 'DIGEST_MISMATCH', flip((image) => image.manifestDigest)],
    ['config', 'DIGEST_MISMATCH', flip((image) => image.configDigest)],
    ['layer', 'DIGEST_MISMATCH', flip((image) => image.layers[0]?.digest ?? '', 30)],
    ['layer size', 'SIZE_MISMATCH', (image: BuiltImage) =>
      editManifest(image.layout, (m) => {
        m.layers[0]!.size += 1;
      })],
    ['layer media type', 'UNSUPPORTED_MEDIA_TYPE', (image: BuiltImage) =>
      editManifest(image.layout, (m) => {
        m.layers[0]!.mediaType = 'application/vnd.example.unknown';
      })],
    ['config media type', 'UNSUPPORTED_MEDIA_TYPE', (image: BuiltImage) =>
      editManifest(image.layout, (m) => {
        m.config.mediaType = 'application/vnd.cncf.helm.config.v1+json';
      })],
    ['missing blob', 'NOT_FOUND', (image: BuiltImage) =>
      editManifest(image.layout, (m) => {
        m.layers[0]!.digest = `sha256:${'a'.repeat(64)}`;
      })],
  ])('rejects a bad %s with %s', async (name, code, spoil) => {
    const image = await build();
    await spoil(image);

    const error = collectRef(image.reference);
    await expect(error).rejects.toMatchObject({ code });
    if (name.startsWith('layer') || name === 'missing blob') {
      await expect(error).rejects.toThrow(/layer 0 \(sha256:[0-9a-f]{64}\)/);
    }
  });

  it.each([
    ['a ../ name', { '../escape': 'x' }],
    ['a nested ../ name', { 'a/../../escape': 'x' }],
    ['a hard link climbing out', { x: { type: 'hardlink' as const, target: '../../etc/shadow' } }],
  ])('rejects %s as PATH_TRAVERSAL and writes nothing outside the work dir', async (_n, files) => {
    const image = await build({ layers: [{ files, implicitDirs: false }] });
    const work = join(temp.dir, `work${counter}`);
    await mkdir(work);
    const before = await readdir(temp.dir);

    await expect(collectRef(image.reference, { tempDir: work, spillThreshold: 0 })).rejects
      .toMatchObject({ code: 'PATH_TRAVERSAL' });
    expect(await readdir(temp.dir)).toEqual(before);
    expect(await readdir(work)).toEqual([]);
  });

  it('reads absolute names and symlink escapes inside the root', async () => {
    const image = await build({
      layers: [{
        files: {
          '/etc/os-release': 'ID=abs\n',
          'etc/link': { type: 'symlink', target: '../../../../etc/os-release' },
        },
        implicitDirs: false,
      }],
    });
    const work = join(temp.dir, `work${counter}`);
    await mkdir(work);

    const view = await collectRef(image.reference, { tempDir: work, spillThreshold: 0 });
    expect((await view.readFile('/etc/link'))?.toString()).toBe('ID=abs\n');
    expect((await readdir(work))).toHaveLength(1);
    await view.close();
    expect(await readdir(work)).toEqual([]);
  });

  it.each([
    ['entries', { maxEntries: 2 }],
    ['layer bytes', { maxLayerBytes: 10_000 }],
    ['image bytes', { maxImageBytes: 10_000 }],
    ['path length', { maxPathLength: 8 }],
  ])('stops a tar bomb at the %s limit', async (_name, limits) => {
    const image = await build();
    await expect(collectRef(image.reference, { limits })).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
    });
  });

  it('warns when the media type disagrees with the bytes and reads them anyway', async () => {
    const image = await build({ ...simple, compression: 'none' });
    await editManifest(image.layout, (m) => {
      m.layers[0]!.mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip';
    });

    const view = await collectRef(image.reference);
    expect(view.warnings.map((w) => w.code)).toEqual(['LAYER_MEDIA_TYPE_MISMATCH']);
    expect((await view.readFile('/etc/os-release'))?.toString()).toBe('ID=x\n');
    await view.close();
  });
});
