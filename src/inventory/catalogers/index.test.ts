import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogFiles } from '../catalog.js';
import { osDetector } from '../os.js';
import { buildView } from '../test-view.js';
import { defaultCatalogers } from './index.js';

const HOST_FILES = ['/usr/share/java/guava.jar', '/usr/bin/skopeo', '/var/lib/dpkg/status'];

describe('defaultCatalogers', () => {
  it('lists each cataloger once, under a unique name', () => {
    const names = defaultCatalogers().map((c) => c.name);

    expect(names).toEqual(['dpkg', 'apk', 'rpm', 'npm', 'python', 'go-binary', 'java-archive']);
  });

  it.skipIf(!HOST_FILES.every(existsSync))('catalogs a mixed image, each format once', async () => {
    const catalogers = defaultCatalogers();
    const view = buildView(
      {
        '/etc/os-release': 'ID=debian\nVERSION_ID="12"\n',
        '/var/lib/dpkg/status': { content: { host: '/var/lib/dpkg/status' } },
        '/lib/apk/db/installed': 'P:musl\nV:1.2.4-r2\n',
        '/app/node_modules/left-pad/package.json': '{"name":"left-pad","version":"1.3.0"}',
        '/usr/lib/python3/dist-packages/six-1.16.dist-info/METADATA': 'Name: six\nVersion: 1.16\n',
        '/opt/app/lib/guava.jar': { content: { host: '/usr/share/java/guava.jar' }, mode: 0o755 },
        '/usr/local/bin/skopeo': { content: { host: '/usr/bin/skopeo' }, mode: 0o755 },
      },
      [osDetector, ...catalogers],
    );
    const { os, packages, warnings } = await catalogFiles(view, catalogers, osDetector);
    const ecosystems = new Set(packages.map((p) => p.ecosystem));

    expect(os?.id).toBe('debian');
    expect([...ecosystems].sort()).toEqual(['Alpine', 'Debian', 'Go', 'Maven', 'PyPI', 'npm']);
    expect(packages.filter((p) => p.ecosystem === 'Maven')).toHaveLength(1);
    expect(warnings).toEqual([]);
  });
});
