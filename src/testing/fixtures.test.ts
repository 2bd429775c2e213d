import { describe, expect, it } from 'vitest';
import { FIXTURE_TIMEOUT_MS } from './cache.js';
import { busyboxImage, BUSYBOX_IMAGE_NEEDS, DEBIAN_APP_NEEDS, debianAppImage } from './fixtures.js';
import { skopeoInspect } from './image-export.js';
import { skipReason } from './requirements.js';
import { run } from './run.js';

describe.skipIf(skipReason('Debian app image', { ...DEBIAN_APP_NEEDS, tools: [
  ...DEBIAN_APP_NEEDS.tools, 'skopeo'] }))('debianAppImage', () => {
  it('has three layers, five history steps and the npm tree under /srv/app', async () => {
    const image = await debianAppImage();
    const config = await skopeoInspect(image.reference, 'config');
    const blob = `${image.layout}/blobs/sha256/${image.layers[1]!.digest.slice(7)}`;
    const { stdout } = await run('tar', ['-tzf', blob]);

    expect(image.layers).toHaveLength(3);
    expect(config.history).toHaveLength(5);
    expect(stdout).toContain('srv/app/node_modules/lodash/package.json');
    expect(image.layers[0]!.files).toBeGreaterThan(5000);
    expect((await debianAppImage()).layout).toBe(image.layout);
  }, FIXTURE_TIMEOUT_MS);
});

describe.skipIf(skipReason('busybox image', BUSYBOX_IMAGE_NEEDS))('busyboxImage', () => {
  it('is one small layer with the busybox binary', async () => {
    const image = await busyboxImage();
    const blob = `${image.layout}/blobs/sha256/${image.layers[0]!.digest.slice(7)}`;
    const { stdout } = await run('tar', ['-tzf', blob]);

    expect(image.layers).toHaveLength(1);
    expect(stdout.split('\n')).toContain('bin/busybox');
  });
});
