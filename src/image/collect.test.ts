import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, type Compression, type ImageSpec } from '../testing/images.js';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import { collectImage } from './collect.js';
import { openImage } from './open.js';
import { contentCataloger, lineCountCataloger } from './testing/catalogers.js';
import type { Cataloger } from '../inventory/cataloger.js';
import type { Progress } from './types.js';

let temp: { dir: string; cleanup: () => Promise<void> };
let counter = 0;
beforeAll(async () => {
  temp = await makeTempDir('collect');
});
afterAll(async () => temp.cleanup());

async function collect(
  spec: ImageSpec,
  catalogers: Cataloger[],
  onProgress?: (p: Progress) => void,
) {
  counter += 1;
  const built = await buildImage(join(temp.dir, `img${counter}`), spec);
  const opened = await openImage(built.reference);
  if (opened.kind !== 'image') {
    throw new Error('expected an image');
  }

  const view = await collectImage(opened.source, opened.image, catalogers, { onProgress });
  await opened.source.close();
  return { view, built };
}

const H = (created_by: string, empty_layer = false) => ({ created_by, empty_layer });

describe.skipIf(skipReason('collector', { tools: ['zstd'] }))('collectImage', () => {
  it.each<Compression>(['gzip', 'zstd', 'none'])('attributes files to layers (%s)', async (c) => {
    const cataloger = contentCataloger('c', ['/etc/os-release', '/app/a.txt']);
    const progress: Progress[] = [];
    const { view, built } = await collect(
      {
        compression: c,
        layers: [
          { files: { 'etc/os-release': 'ID=base\n', 'bin/sh': 'sh' } },
          { files: { 'app/a.txt': 'one\n' } },
          { files: { 'etc/os-release': 'ID=top\n' } },
        ],
        history: [
          H('ADD base /'),
          H('ENV A=1', true),
          H('COPY a.txt /app/'),
          H('LABEL x=y', true),
          H('RUN echo ID=top > /etc/os-release'),
        ],
      },
      [cataloger],
      (p) => progress.push(p),
    );

    const release = view.stat('/etc/os-release');
    expect(release?.layer).toEqual({
      index: 2,
      digest: built.layers[2]?.digest,
      diffId: built.layers[2]?.diffId,
      createdBy: 'RUN echo ID=top > /etc/os-release',
    });
    expect(view.stat('/app/a.txt')?.layer?.createdBy).toBe('COPY a.txt /app/');
    expect(view.stat('/bin/sh')?.layer?.createdBy).toBe('ADD base /');
    expect((await view.readFile('/etc/os-release'))?.toString()).toBe('ID=top\n');
    expect(await view.readFile('/bin/sh')).toBeUndefined();
    // The shadowed base os-release is never offered to catalogers.
    expect(cataloger.seen.filter((m) => m.path === '/etc/os-release')).toHaveLength(1);
    expect(progress.at(-1)).toMatchObject({ layer: 3, layers: 3 });
    expect(progress.at(-1)?.bytes).toBe(progress.at(-1)?.totalBytes);
    await view.close();
  });

  it('applies whiteouts, opaque directories and re-added files', async () => {
    const { view } = await collect(
      {
        layers: [
          { files: { 'a/x': '1', 'a/y': '2', 'gone/f': '3', 'again': 'old', 'opq/old': '4' } },
          { files: { 'a/.wh.x': '', '.wh.gone': '', '.wh.again': '', 'opq/.wh..wh..opq': '' } },
          { files: { again: 'new', 'opq/new': '5' } },
        ],
      },
      [contentCataloger('c', ['/again'])],
    );

    const paths = [...view.entries()].map((m) => m.path).sort();
    expect(paths).toEqual(['/a', '/a/y', '/again', '/opq', '/opq/new']);
    expect((await view.readFile('/again'))?.toString()).toBe('new');
    await view.close();
  });

  it('reads hard links through targets that were not selected', async () => {
    const { view } = await collect(
      {
        layers: [
          {
            files: {
              'usr/bin/python3.11': 'PYTHON',
              'usr/bin/python3': { type: 'hardlink', target: 'usr/bin/python3.11' },
              'usr/lib/pip.py': 'PIP',
              'usr/bin/pip': { type: 'hardlink', target: 'usr/lib/pip.py' },
            },
          },
          { files: { 'usr/bin/python3.11': 'REPLACED' } },
        ],
      },
      [
        contentCataloger('c', ['/usr/bin/python3']),
        lineCountCataloger('lines', ['/usr/bin/python3']),
      ],
    );

    expect(view.lstat('/usr/bin/python3')).toMatchObject({
      type: 'hardlink',
      size: 0,
      linkTarget: '/usr/bin/python3.11',
      layer: { index: 0 },
    });
    expect((await view.readFile('/usr/bin/python3'))?.toString()).toBe('PYTHON');
    expect(view.lstat('/usr/bin/pip')?.size).toBe(3);
    expect(view.scanResult('/usr/bin/python3', 'lines')).toEqual({ bytes: 6, lines: 0 });
    await view.close();
  });

  it('follows selected symlinks to files in other layers, never out of the root', async () => {
    const { view } = await collect(
      {
        layers: [
          { files: { 'usr/lib/os-release': 'ID=debian\n', 'usr/lib/libc.so': 'ELF' } },
          {
            files: {
              lib: { type: 'symlink', target: 'usr/lib' },
              'etc/os-release': { type: 'symlink', target: '../usr/lib/os-release' },
              'etc/abs': { type: 'symlink', target: '/usr/lib/os-release' },
              'etc/escape': { type: 'symlink', target: '../../../../../usr/lib/os-release' },
              'etc/loop': { type: 'symlink', target: 'loop2' },
              'etc/loop2': { type: 'symlink', target: 'loop' },
            },
          },
        ],
      },
      [
        contentCataloger('c', ['/etc/os-release', '/etc/abs', '/etc/escape', '/etc/loop']),
        lineCountCataloger('lines', ['/etc/abs']),
      ],
    );

    for (const path of ['/etc/os-release', '/etc/abs', '/etc/escape', '/lib/os-release']) {
      expect((await view.readFile(path))?.toString()).toBe('ID=debian\n');
    }

    expect(view.scanResult('/etc/abs', 'lines')).toEqual({ bytes: 10, lines: 1 });
    expect(view.stat('/lib/libc.so')?.layer?.index).toBe(0);
    expect(await view.readFile('/lib/libc.so')).toBeUndefined();
    expect(view.stat('/etc/loop')).toBeUndefined();
    await view.close();
  });

  it('skips files over a cataloger\'s maxBytes with a warning', async () => {
    const { view } = await collect(
      { layers: [{ files: { big: 'x'.repeat(100), small: 'y' } }] },
      [contentCataloger('c', ['/big', '/small'], 10)],
    );

    expect(await view.readFile('/big')).toBeUndefined();
    expect((await view.readFile('/small'))?.toString()).toBe('y');
    expect(view.warnings).toEqual([
      expect.objectContaining({ code: 'FILE_TOO_LARGE', path: '/big' }),
    ]);
    await view.close();
  });

  it('reads entries whose names need PAX headers', async () => {
    const long = `opt/${'a'.repeat(150)}/${'b'.repeat(120)}.txt`;
    const { view } = await collect(
      { layers: [{ files: { [long]: 'deep' } }] },
      [contentCataloger('c', [`/${long}`])],
    );

    expect((await view.readFile(`/${long}`))?.toString()).toBe('deep');
    await view.close();
  });

  it('scans content without keeping it', async () => {
    const { view } = await collect(
      { layers: [{ files: { 'etc/passwd': 'root\nbin\n' } }] },
      [lineCountCataloger('lines', ['/etc/passwd'])],
    );

    expect(view.scanResult('/etc/passwd', 'lines')).toEqual({ bytes: 9, lines: 2 });
    expect(await view.readFile('/etc/passwd')).toBeUndefined();
    await view.close();
  });
});
