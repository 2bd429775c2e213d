// Ready-made, cached images for integration and end-to-end tests: real packages, known
// advisories, several layers and a history with empty layers, so layer attribution and
// `created_by` can be checked.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cachedDir } from './cache.js';
import { cachedImage } from './images.js';
import type { BuiltImage, Compression } from './images.js';
import { npmTree, VULNERABLE_NPM_PACKAGES } from './npm.js';
import { busyboxRootfs, debootstrapBookworm } from './rootfs.js';

const CREATED = '2024-05-01T00:00:00Z';

/** Requirements for `debianAppImage`, in `skipReason()` form. */
export const DEBIAN_APP_NEEDS = { root: true, tools: ['debootstrap', 'npm'] };

/**
 * Debian 12 minbase (layer 0, ~88 dpkg packages) + the old npm packages of
 * `VULNERABLE_NPM_PACKAGES` under `/srv/app` (layer 1) + `/srv/app/app.js` (layer 2).
 * History: `debootstrap …`, `ENV …` (empty), `COPY node_modules /srv/app`, `COPY app.js …`,
 * `CMD …` (empty). Cached per compression. Throws when debootstrap or npm fails.
 */
export async function debianAppImage(compression: Compression = 'gzip'): Promise<BuiltImage> {
  const rootfs = await debootstrapBookworm();
  const app = await npmTree(VULNERABLE_NPM_PACKAGES);
  return cachedImage(`debian-app-${compression}`, {
    tag: 'bookworm-app',
    compression,
    created: CREATED,
    runConfig: { Env: ['NODE_ENV=production'], WorkingDir: '/srv/app', Cmd: ['node', 'app.js'] },
    layers: [
      { from: rootfs },
      { from: app, prefix: 'srv/app' },
      { files: { 'srv/app/app.js': 'console.log("hello");\n' } },
    ],
    history: [
      { created: CREATED, created_by: 'debootstrap --variant=minbase bookworm /' },
      { created: CREATED, created_by: 'ENV NODE_ENV=production', empty_layer: true },
      { created: CREATED, created_by: 'COPY node_modules /srv/app' },
      { created: CREATED, created_by: 'COPY app.js /srv/app/' },
      { created: CREATED, created_by: 'CMD ["node", "app.js"]', empty_layer: true },
    ],
  });
}

/** Requirements for `busyboxImage`, in `skipReason()` form. */
export const BUSYBOX_IMAGE_NEEDS = { root: true, tools: ['busybox', 'chroot'] };

/**
 * A one-layer busybox image (about 1 MB compressed) with no package database: the
 * "inventories nothing, warns about nothing" case. Cached. Throws when busybox fails.
 */
export async function busyboxImage(): Promise<BuiltImage> {
  const rootfs = await cachedDir('busybox-rootfs-v1', async (tmp) => {
    await mkdir(join(tmp, 'rootfs'));
    await busyboxRootfs(join(tmp, 'rootfs'));
  });

  return cachedImage('busybox', {
    tag: 'busybox',
    layers: [{ from: join(rootfs, 'rootfs'), createdBy: 'COPY busybox /' }],
    runConfig: { Cmd: ['/bin/sh'] },
  });
}
