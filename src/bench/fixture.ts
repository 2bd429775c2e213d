// The benchmark image: a real Debian bookworm root filesystem as the base layer and real
// node_modules trees from the npm registry above it, gzip-compressed like a pushed image.
// Built once and cached (see src/testing/cache.ts); later runs reuse it.
import type { HistoryEntry } from '../image/types.js';
import { cachedImage } from '../testing/images.js';
import type { BuiltImage, ImageSpec } from '../testing/images.js';
import { npmTree, VULNERABLE_NPM_PACKAGES } from '../testing/npm.js';
import { debootstrapBookworm } from '../testing/rootfs.js';

/**
 * Big, real packages pinned so the image is the same on every machine. With the Debian base
 * (about 210 MB) they make about 1.2 GB uncompressed and 65,000 files; no tree is
 * replicated to reach the size.
 */
export const LARGE_NPM_PACKAGES = [
  '@babel/core@7.24.0',
  '@babel/preset-env@7.24.0',
  '@mui/icons-material@5.15.18',
  'aws-cdk-lib@2.140.0',
  'aws-sdk@2.1692.0',
  'googleapis@134.0.0',
  'lodash@4.17.21',
  'moment@2.29.4',
  'monaco-editor@0.48.0',
  'next@14.2.3',
  'react-icons@5.2.1',
  'rxjs@7.8.1',
  'typescript@5.4.5',
  'webpack@5.91.0',
];

const CREATED = '2024-05-01T00:00:00Z';

function step(createdBy: string, emptyLayer = false): HistoryEntry {
  return emptyLayer
    ? { created: CREATED, created_by: createdBy, empty_layer: true }
    : { created: CREATED, created_by: createdBy };
}

/**
 * Builds (or reuses) the benchmark image; `quick` leaves out the large npm tree.
 * Throws when debootstrap, npm or the layer writer fails (needs root, the Debian mirror and
 * the npm registry on the first run).
 */
export async function benchImage(quick: boolean): Promise<BuiltImage> {
  const rootfs = await debootstrapBookworm();
  const legacy = await npmTree(VULNERABLE_NPM_PACKAGES);
  const spec: ImageSpec = {
    tag: quick ? 'quick' : 'full',
    compression: 'gzip',
    created: CREATED,
    runConfig: { Env: ['NODE_ENV=production'], WorkingDir: '/srv/app', Cmd: ['node', 'app.js'] },
    layers: [
      { from: rootfs, createdBy: 'debootstrap --variant=minbase bookworm /' },
      { from: legacy, prefix: 'srv/legacy', createdBy: 'COPY legacy /srv/legacy' },
    ],
    history: [
      step('debootstrap --variant=minbase bookworm /'),
      step('ENV NODE_ENV=production', true),
      step('COPY legacy /srv/legacy'),
    ],
  };

  if (!quick) {
    const app = await npmTree(LARGE_NPM_PACKAGES);
    spec.layers.push({ from: app, prefix: 'srv/app', createdBy: 'COPY app /srv/app' });
    spec.history?.push(step('WORKDIR /srv/app', true), step('COPY app /srv/app'));
  }

  spec.layers.push({
    files: { 'srv/app/app.js': 'console.log("moat bench");\n', 'etc/motd': 'bench\n' },
    createdBy: 'COPY app.js /srv/app/',
  });
  spec.history?.push(step('COPY app.js /srv/app/'), step('CMD ["node", "app.js"]', true));
  return cachedImage(`bench-${spec.tag}`, spec);
}
