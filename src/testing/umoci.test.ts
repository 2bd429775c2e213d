// Cross-check: the layouts buildImage writes and the ones umoci writes are the same image.
// umoci verifies every digest and diff_id while unpacking ours, and the two layer tars
// list the same entries with the same types, modes and link targets.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from './images.js';
import { makeTempDir, skipReason } from './requirements.js';
import { run } from './run.js';

/** Writes a small tree with the cases tar writers disagree on. */
async function makeSource(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await run('sh', ['-c', [
    'cd "$1"',
    'mkdir -p usr/bin etc/app var/empty',
    'printf "#!/bin/sh\\necho hi\\n" > usr/bin/hello && chmod 755 usr/bin/hello',
    'ln usr/bin/hello usr/bin/hello2',
    'ln -s hello usr/bin/hi',
    'echo secret > etc/app/key && chmod 600 etc/app/key',
    'chmod 1777 var/empty',
  ].join(' && '), 'sh', dir]);
}

/** `mode name -> target` for every entry of the image's last layer, sorted. */
async function layerListing(layout: string): Promise<string[]> {
  const blobs = join(layout, 'blobs', 'sha256');
  const readJson = async (digest: string) =>
    JSON.parse(await readFile(join(blobs, digest.slice('sha256:'.length)), 'utf8'));
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8'));
  const manifest = await readJson(index.manifests[0].digest);
  const last = manifest.layers[manifest.layers.length - 1].digest as string;
  const { stdout } = await run('tar', ['-tvzf', join(blobs, last.slice('sha256:'.length))]);

  return stdout.trim().split('\n')
    .map((line) => line.split(/\s+/))
    .map((f) => `${f[0]} ${f.slice(5).join(' ').replace(/^\.\//, '').replace(/\/$/, '')}`)
    .filter((entry) => !/ \.?$/.test(entry))
    .sort();
}

describe.skipIf(skipReason('umoci cross-check', { root: true, tools: ['umoci', 'tar'] }))(
  'buildImage against umoci',
  () => {
    let temp: { dir: string; cleanup: () => Promise<void> };
    beforeAll(async () => {
      temp = await makeTempDir('umoci');
      await makeSource(join(temp.dir, 'src'));
    });
    afterAll(async () => temp.cleanup());

    it('writes a layout umoci unpacks, verifying every digest', async () => {
      const image = await buildImage(join(temp.dir, 'ours'), {
        layers: [{ from: join(temp.dir, 'src') }],
      });
      const bundle = join(temp.dir, 'bundle-ours');
      await run('umoci', ['unpack', '--image', `${image.layout}:${image.tag}`, bundle]);

      const { stdout } = await run('diff', ['-r', '--no-dereference', join(temp.dir, 'src'),
        join(bundle, 'rootfs')]);
      expect(stdout).toBe('');
    });

    it('lists the same entries as a layer umoci packs from the same tree', async () => {
      const ours = await buildImage(join(temp.dir, 'ours2'), {
        layers: [{ from: join(temp.dir, 'src') }],
      });
      const theirs = join(temp.dir, 'theirs');
      const bundle = join(temp.dir, 'bundle-theirs');
      await run('umoci', ['init', '--layout', theirs]);
      await run('umoci', ['new', '--image', `${theirs}:latest`]);
      await run('umoci', ['unpack', '--image', `${theirs}:latest`, bundle]);
      await run('cp', ['-a', `${join(temp.dir, 'src')}/.`, join(bundle, 'rootfs')]);
      await run('umoci', ['repack', '--image', `${theirs}:latest`, bundle]);
      await run('umoci', ['config', '--image', `${theirs}:latest`, '--config.cmd', '/bin/sh']);

      const ourList = await layerListing(ours.layout);
      const theirList = await layerListing(theirs);
      expect(ourList).toEqual(theirList);
      expect(ourList.some((entry) => entry.startsWith('h'))).toBe(true);
    });
  },
);
