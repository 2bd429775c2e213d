import { describe, expect, it } from 'vitest';
import { detectOs, osDetector } from './os.js';
import { parseOsRelease, parseRedhatRelease } from './os-release.js';
import { buildView } from './test-view.js';

describe('parseOsRelease', () => {
  it('reads quoted and unquoted values', () => {
    const text = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n' +
      "VERSION_CODENAME=jammy\nPRETTY_NAME='Ubuntu 22.04.3 LTS'\n# comment\ngarbage\n";

    expect(parseOsRelease(text)).toEqual({
      id: 'ubuntu',
      versionId: '22.04',
      versionCodename: 'jammy',
      prettyName: 'Ubuntu 22.04.3 LTS',
      idLike: ['debian'],
    });
  });

  it('returns undefined without ID', () => {
    expect(parseOsRelease('NAME=x\n')).toBeUndefined();
  });
});

describe('parseRedhatRelease', () => {
  it.each([
    ['Red Hat Enterprise Linux release 9.3 (Plow)', 'rhel', '9.3'],
    ['Rocky Linux release 8.9 (Green Obsidian)', 'rocky', '8.9'],
    ['CentOS Linux release 7.9.2009 (Core)', 'centos', '7.9.2009'],
    ['AlmaLinux release 9.3 (Shamrock Pampas Cat)', 'almalinux', '9.3'],
  ])('reads %s', (text, id, versionId) => {
    expect(parseRedhatRelease(text)).toMatchObject({ id, versionId });
  });
});

describe('detectOs', () => {
  const cases: Array<[string, string, object | undefined]> = [
    ['/usr/lib/os-release', 'ID=debian\nVERSION_ID=12\n', { id: 'debian', versionId: '12' }],
    ['/etc/alpine-release', '3.19.1\n', { id: 'alpine', versionId: '3.19.1' }],
    ['/etc/debian_version', '11.8\n', { id: 'debian', versionId: '11' }],
    ['/etc/debian_version', 'trixie/sid\n', { id: 'debian', versionCodename: 'trixie' }],
    ['/etc/redhat-release', 'Fedora release 39\n', { id: 'fedora', versionId: '39' }],
    ['/etc/hostname', 'x\n', undefined],
  ];

  it.each(cases)('detects the OS from %s', async (path, content, expected) => {
    const osRelease = { type: 'symlink' as const, linkTarget: '../usr/lib/os-release' };
    const view = buildView({ [path]: content, '/etc/os-release': osRelease }, [osDetector]);
    const os = await detectOs(view);

    if (expected === undefined) {
      expect(os).toBeUndefined();
    } else {
      expect(os).toMatchObject(expected);
    }
  });

  it('prefers os-release over older release files', async () => {
    const files = {
      '/etc/os-release': 'ID=rocky\nVERSION_ID="9.3"\n',
      '/etc/redhat-release': 'Rocky Linux release 9.3\n',
    };
    const view = buildView(files, [osDetector]);

    expect(await detectOs(view)).toMatchObject({ id: 'rocky', versionId: '9.3' });
  });

  it('marks a distroless image without os-release as debian', async () => {
    const files = { '/var/lib/dpkg/status.d/base': 'Package: base-files\n' };
    const view = buildView(files, [osDetector]);

    expect(await detectOs(view)).toEqual({ id: 'debian', idLike: [], distroless: true });
  });
});
