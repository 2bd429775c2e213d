import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushToRegistry } from '../testing/image-export.js';
import { buildImage } from '../testing/images.js';
import { REGISTRY_NEEDS, startRegistry, type TestRegistry } from '../testing/registry.js';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import { collectImage } from './collect.js';
import { openImage } from './open.js';
import { contentCataloger } from './testing/catalogers.js';

describe('openImage', () => {
  it.each(['oci:', 'ftp://x/y'])('rejects the malformed reference %s', async (text) => {
    await expect(openImage(text)).rejects.toMatchObject({ code: 'INVALID_REFERENCE' });
  });
});

const needs = skipReason('registry references', REGISTRY_NEEDS);

describe.skipIf(needs)('openImage on a registry', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let registry: TestRegistry;
  beforeAll(async () => {
    temp = await makeTempDir('open-registry');
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry.stop();
    await temp.cleanup();
  });

  it('pulls and collects an image through the registry source', async () => {
    const image = await buildImage(join(temp.dir, 'layout'), {
      tag: 'v1',
      layers: [{ files: { 'etc/os-release': 'ID=pushed\n' } }],
    });
    const pushed = await pushToRegistry(image, registry.host);

    for (const text of [`docker://${pushed}`, pushed]) {
      const opened = await openImage(text, { registry: { env: {} } });
      if (opened.kind !== 'image') {
        throw new Error('expected an image');
      }

      const view = await collectImage(opened.source, opened.image, [
        contentCataloger('c', ['/etc/os-release']),
      ]);
      await opened.source.close();
      expect((await view.readFile('/etc/os-release'))?.toString()).toBe('ID=pushed\n');
      expect(opened.image.configDigest).toBe(image.configDigest);
      await view.close();
    }
  });
});
