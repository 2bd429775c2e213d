// An image made the way RECIPES.md makes real ones (umoci init/new/unpack/repack/config), with
// a busybox root filesystem, read back through oci: and the converted archives.
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { busyboxRootfs } from '../../testing/rootfs.js';
import { run } from '../../testing/run.js';
import { collectImage } from '../collect.js';
import { openImage } from '../open.js';
import { contentCataloger } from '../testing/catalogers.js';

const NEEDS = { root: true, tools: ['umoci', 'skopeo', 'busybox', 'chroot'] };

describe.skipIf(skipReason('umoci-built images', NEEDS))('images built by umoci', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let layout: string;
  beforeAll(async () => {
    temp = await makeTempDir('umoci-src');
    layout = join(temp.dir, 'layout');
    const bundle = join(temp.dir, 'bundle');
    await run('umoci', ['init', '--layout', layout]);
    await run('umoci', ['new', '--image', `${layout}:app`]);
    await run('umoci', ['unpack', '--image', `${layout}:app`, bundle]);
    const rootfs = join(temp.dir, 'rootfs');
    await mkdir(rootfs);
    await busyboxRootfs(rootfs);
    await cp(rootfs, join(bundle, 'rootfs'), { recursive: true, verbatimSymlinks: true });
    await run('umoci', ['repack', '--image', `${layout}:app`, bundle]);
    await run('umoci', ['config', '--image', `${layout}:app`, '--config.cmd', '/bin/sh']);
  });
  afterAll(async () => temp.cleanup());

  it.each(['oci', 'oci-archive', 'docker-archive'])('reads it as %s', async (kind) => {
    let reference = `oci:${layout}:app`;
    if (kind !== 'oci') {
      const file = join(temp.dir, `${kind}.tar`);
      const target = kind === 'oci-archive' ? `${kind}:${file}:app` : `${kind}:${file}:moat/app:1`;
      await run('skopeo', ['--insecure-policy', 'copy', '--quiet', reference, target]);
      reference = target;
    }

    const opened = await openImage(reference);
    if (opened.kind !== 'image') {
      throw new Error('expected an image');
    }

    const view = await collectImage(opened.source, opened.image, [
      contentCataloger('c', ['/etc/passwd']),
    ]);
    await opened.source.close();
    expect((await view.readFile('/etc/passwd'))?.toString()).toMatch(/^root:/);
    expect(view.stat('/bin/sh')?.type).toBe('file');
    expect(view.lstat('/bin/sh')?.layer?.index).toBe(0);
    expect(opened.image.config.config?.Cmd).toEqual(['/bin/sh']);
    await view.close();
  });
});
