import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogFiles } from '../../catalog.js';
import { osDetector } from '../../os.js';
import { buildView } from '../../test-view.js';
import { dpkgCataloger } from './cataloger.js';

const layer = { index: 0, digest: 'sha256:' + 'a'.repeat(64) };
const sslLayer = { index: 1, digest: 'sha256:' + 'b'.repeat(64) };

describe.skipIf(!existsSync('/var/lib/dpkg/status'))('dpkg cataloger on this Debian host', () => {
  const view = buildView(
    {
      '/etc/os-release': { type: 'symlink', linkTarget: '../usr/lib/os-release' },
      '/usr/lib/os-release': { content: { host: '/usr/lib/os-release' } },
      '/var/lib/dpkg/status': { content: { host: '/var/lib/dpkg/status' }, layer },
      '/var/lib/dpkg/info/libssl3:amd64.list': { content: 'x', layer: sslLayer },
      '/usr/share/doc/libssl3/copyright': { content: { host: '/usr/share/doc/libssl3/copyright' } },
      '/usr/share/doc/libc6/copyright': { content: { host: '/usr/share/doc/libc6/copyright' } },
    },
    [dpkgCataloger, osDetector],
  );

  it('finds well-known packages with their source packages', async () => {
    const { os, packages } = await catalogFiles(view, [dpkgCataloger], osDetector);
    const byName = new Map(packages.map((p) => [p.name, p]));

    expect(os).toMatchObject({ id: 'debian', versionId: '12' });
    expect(byName.get('libc6')?.source?.name).toBe('glibc');
    expect(byName.get('libssl3')?.source?.name).toBe('openssl');
    expect(byName.get('bash')?.source?.name).toBe('bash');
    expect(packages.length).toBeGreaterThan(100);
    expect(packages.every((p) => p.ecosystem === 'Debian' && p.type === 'deb')).toBe(true);
  });

  it('adds licenses, the info list, layers and a deb purl', async () => {
    const { packages } = await catalogFiles(view, [dpkgCataloger], osDetector);
    const ssl = packages.find((p) => p.name === 'libssl3');

    expect(ssl?.licenses).toContain('Apache-2.0');
    expect(ssl?.locations.map((l) => l.path)).toEqual([
      '/var/lib/dpkg/status',
      '/var/lib/dpkg/info/libssl3:amd64.list',
    ]);
    expect(ssl?.layer).toEqual(sslLayer);
    expect(ssl?.locations[0]?.layer).toEqual(layer);
    expect(packages.find((p) => p.name === 'bash')?.layer).toEqual(layer);
    expect(ssl?.purl).toMatch(
      /^pkg:deb\/debian\/libssl3@[^?]+\?arch=amd64&distro=debian-12&upstream=openssl$/,
    );
    expect(packages.find((p) => p.name === 'libc6')?.licenses).toEqual([]);
  });
});

describe('dpkg cataloger on a distroless image', () => {
  it('reads every stanza file under status.d and marks the OS distroless', async () => {
    const view = buildView(
      {
        '/var/lib/dpkg/status.d': { type: 'dir' },
        '/var/lib/dpkg/status.d/base': 'Package: base-files\nVersion: 12.4\nArchitecture: amd64\n',
        '/var/lib/dpkg/status.d/base.md5sums': 'd41d8cd98f00b204e9800998ecf8427e  x\n',
        '/var/lib/dpkg/status.d/libs': 'Package: libssl3\nVersion: 3.0.11-1\nSource: openssl\n\n'
          + 'Package: zlib1g\nVersion: 1:1.2.13\n',
        '/etc/os-release': 'ID=debian\nVERSION_ID="12"\n',
      },
      [dpkgCataloger, osDetector],
    );
    const { os, packages, warnings } = await catalogFiles(view, [dpkgCataloger], osDetector);

    expect(os).toMatchObject({ id: 'debian', distroless: true });
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'base-files@12.4',
      'libssl3@3.0.11-1',
      'zlib1g@1:1.2.13',
    ]);
    expect(packages[2]?.purl).toBe('pkg:deb/debian/zlib1g@1:1.2.13?distro=debian-12');
    expect(warnings).toEqual([]);
  });

  it('names the Ubuntu ecosystem from the OS', async () => {
    const view = buildView(
      {
        '/etc/os-release': 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n',
        '/var/lib/dpkg/status': 'Package: a\nStatus: install ok installed\nVersion: 1\n',
      },
      [dpkgCataloger, osDetector],
    );
    const { packages } = await catalogFiles(view, [dpkgCataloger], osDetector);

    expect(packages[0]).toMatchObject({
      ecosystem: 'Ubuntu',
      purl: 'pkg:deb/ubuntu/a@1?distro=ubuntu-22.04',
    });
  });
});
