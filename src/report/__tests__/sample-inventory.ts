// A realistic inventory for report tests: a Debian-based payments image with OS packages,
// npm, PyPI, Go and Maven packages, packages without layers, and names and licenses that
// need escaping or do not parse as SPDX.
import type { Inventory, LayerRef, Package } from '../../inventory/model.js';

const hex = (c: string) => c.repeat(64);

export const LAYERS: LayerRef[] = [
  {
    index: 0,
    digest: `sha256:${hex('a')}`,
    diffId: `sha256:${hex('1')}`,
    createdBy: '/bin/sh -c #(nop) ADD file:0a1b2c3d in / ',
  },
  {
    index: 1,
    digest: `sha256:${hex('b')}`,
    diffId: `sha256:${hex('2')}`,
    createdBy: 'RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends '
      + 'python3-yaml ca-certificates # buildkit',
  },
  { index: 2, digest: `sha256:${hex('c')}`, createdBy: 'COPY package-lock.json /app/ # buildkit' },
  { index: 3, digest: `sha256:${hex('d')}` },
];

const [base, apt, app, bin] = LAYERS as [LayerRef, LayerRef, LayerRef, LayerRef];

function pkg(fields: Omit<Package, 'licenses' | 'locations'> & Partial<Package>): Package {
  return { licenses: [], locations: [], ...fields };
}

export const PACKAGES: Package[] = [
  pkg({
    name: 'libssl3',
    version: '3.0.11-1~deb12u2',
    type: 'deb',
    ecosystem: 'Debian',
    purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl',
    source: { name: 'openssl', version: '3.0.11-1~deb12u2' },
    licenses: ['Apache-2.0', 'Artistic', 'GPL-1+'],
    locations: [{ path: '/var/lib/dpkg/status', layer: base }],
    layer: base,
    metadata: { architecture: 'amd64' },
  }),
  pkg({
    name: 'bash',
    version: '5.2.15-2+b2',
    type: 'deb',
    ecosystem: 'Debian',
    purl: 'pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2',
    source: { name: 'bash', version: '5.2.15-2' },
    licenses: ['GPL-3.0-or-later'],
    locations: [{ path: '/var/lib/dpkg/status', layer: base }],
    layer: base,
  }),
  pkg({
    name: 'libstdc++6',
    version: '12.2.0-14',
    type: 'deb',
    ecosystem: 'Debian',
    purl: 'pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12',
    source: { name: 'gcc-12', version: '12.2.0-14' },
    licenses: ['GPL-3+ with GCC-Runtime-Library-exception-3.1'],
    locations: [{ path: '/var/lib/dpkg/status', layer: base }],
    layer: base,
  }),
  pkg({
    name: 'python3-yaml',
    version: '6.0-3+b2',
    type: 'deb',
    ecosystem: 'Debian',
    purl: 'pkg:deb/debian/python3-yaml@6.0-3%2Bb2'
      + '?arch=amd64&distro=debian-12&upstream=pyyaml%406.0-3',
    source: { name: 'pyyaml', version: '6.0-3' },
    licenses: ['mit'],
    locations: [{ path: '/var/lib/dpkg/status', layer: apt }],
    layer: apt,
  }),
  pkg({
    name: 'musl',
    version: '1.2.4-r2',
    type: 'apk',
    ecosystem: 'Alpine',
    purl: 'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64',
    licenses: ['MIT'],
    locations: [{ path: '/lib/apk/db/installed', layer: base }],
    layer: base,
  }),
  pkg({
    name: 'openssl-libs',
    version: '1:3.0.7-24.el9',
    type: 'rpm',
    ecosystem: 'Red Hat',
    purl: 'pkg:rpm/redhat/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1',
    source: { name: 'openssl', version: '1:3.0.7-24.el9' },
    licenses: ['ASL 2.0'],
    locations: [{ path: '/var/lib/rpm/rpmdb.sqlite', layer: base }],
    layer: base,
  }),
  pkg({
    name: '@babel/core',
    version: '7.23.2',
    type: 'npm',
    ecosystem: 'npm',
    purl: 'pkg:npm/%40babel/core@7.23.2',
    licenses: ['MIT'],
    locations: [{ path: '/app/package-lock.json', layer: app }],
    layer: app,
  }),
  pkg({
    name: 'lodash',
    version: '4.17.21',
    type: 'npm',
    ecosystem: 'npm',
    purl: 'pkg:npm/lodash@4.17.21',
    licenses: ['MIT'],
    locations: [{ path: '/app/package-lock.json', layer: app }],
    layer: app,
  }),
  pkg({
    name: 'lodash',
    version: '4.17.21',
    type: 'npm',
    ecosystem: 'npm',
    purl: 'pkg:npm/lodash@4.17.21',
    licenses: ['MIT'],
    locations: [
      { path: '/usr/lib/node_modules/npm/node_modules/lodash/package.json', layer: base },
    ],
    layer: base,
  }),
  pkg({
    name: 'PyYAML',
    version: '6.0.1',
    type: 'pypi',
    ecosystem: 'PyPI',
    purl: 'pkg:pypi/pyyaml@6.0.1',
    licenses: ['MIT License'],
    locations: [
      { path: '/usr/lib/python3/dist-packages/PyYAML-6.0.1.dist-info/METADATA', layer: apt },
      { path: '/usr/lib/python3/dist-packages/PyYAML-6.0.1.dist-info/RECORD', layer: apt },
    ],
    layer: apt,
  }),
  pkg({
    name: 'stdlib',
    version: 'go1.21.5',
    type: 'golang',
    ecosystem: 'Go',
    purl: 'pkg:golang/stdlib@go1.21.5',
    locations: [{ path: '/usr/local/bin/payments', layer: bin }],
    layer: bin,
    metadata: { goToolchain: 'go1.21.5', role: 'stdlib' },
  }),
  pkg({
    name: 'github.com/acme/payments',
    version: 'v1.4.2',
    type: 'golang',
    ecosystem: 'Go',
    purl: 'pkg:golang/github.com/acme/payments@v1.4.2',
    licenses: ['Apache-2.0 OR MIT'],
    locations: [{ path: '/usr/local/bin/payments', layer: bin }],
    layer: bin,
    metadata: { goToolchain: 'go1.21.5', role: 'main' },
  }),
  pkg({
    name: 'golang.org/x/net',
    version: 'v0.17.0',
    type: 'golang',
    ecosystem: 'Go',
    purl: 'pkg:golang/golang.org/x/net@v0.17.0',
    licenses: ['BSD-3-Clause'],
    locations: [{ path: '/usr/local/bin/payments' }],
    metadata: { goToolchain: 'go1.21.5', role: 'dependency' },
  }),
  pkg({
    name: 'org.apache.logging.log4j:log4j-core',
    version: '2.17.1',
    type: 'maven',
    ecosystem: 'Maven',
    purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1',
    licenses: ['Apache-2.0', '(MIT OR GPL-2.0-only) AND BSD-2-Clause'],
    locations: [{ path: '/app/lib/app.jar:BOOT-INF/lib/log4j-core-2.17.1.jar', layer: app }],
    layer: app,
    metadata: {
      evidence: 'pom.properties',
      groupId: 'org.apache.logging.log4j',
      artifactId: 'log4j-core',
    },
  }),
];

export function sampleInventory(): Inventory {
  return {
    image: {
      reference: 'registry.example.com/payments/api:1.4.2',
      transport: 'docker',
      manifestDigest: `sha256:${hex('e')}`,
      configDigest: `sha256:${hex('f')}`,
      platform: 'linux/amd64',
      layers: LAYERS,
    },
    os: {
      id: 'debian',
      versionId: '12',
      versionCodename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      idLike: [],
    },
    packages: PACKAGES,
    warnings: [
      {
        code: 'DPKG_ENTRY_INVALID',
        message: 'skipped a status entry without a Version field',
        path: '/var/lib/dpkg/status',
      },
    ],
  };
}

/** An inventory of a `dir:` root filesystem: no digests, no layers, no OS. */
export function bareInventory(): Inventory {
  return {
    image: { reference: '/srv/rootfs', transport: 'dir', layers: [] },
    packages: [
      pkg({
        name: 'left-pad',
        version: '1.3.0',
        type: 'npm',
        ecosystem: 'npm',
        purl: 'pkg:npm/left-pad@1.3.0',
        licenses: ['WTFPL'],
        locations: [{ path: '/srv/app/node_modules/left-pad/package.json' }],
      }),
    ],
    warnings: [],
  };
}
