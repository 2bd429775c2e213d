import { existsSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_TIMEOUT_MS } from './cache.js';
import { parseDeb822Sources, parseOneLineSources, readAptSources } from './apt-sources.js';
import { BUSYBOX_NEEDS, busyboxRootfs, DEBOOTSTRAP_NEEDS, debootstrapBookworm } from './rootfs.js';
import { makeTempDir, skipReason } from './requirements.js';
import { run } from './run.js';

describe('apt sources', () => {
  it.each([
    ['deb http://deb.debian.org/debian bookworm main', 'http://deb.debian.org/debian'],
    ['deb [arch=amd64] http://m.example/debian bookworm main', 'http://m.example/debian'],
    ['# deb http://old.example/debian bookworm main', undefined],
    ['deb-src http://src.example/debian bookworm main', undefined],
  ])('reads the one-line entry %j', (line, uri) => {
    expect(parseOneLineSources(line)[0]?.uri).toBe(uri);
  });

  it('reads deb822 stanzas, skipping disabled ones and comments', () => {
    const text = [
      'Types: deb',
      '# a comment',
      'URIs: http://deb.debian.org/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main',
      '',
      'Types: deb',
      'URIs: http://off.example/debian',
      'Suites: bookworm',
      'Enabled: no',
    ].join('\n');

    expect(parseDeb822Sources(text)).toEqual([
      { uri: 'http://deb.debian.org/debian', suites: ['bookworm', 'bookworm-updates'] },
    ]);
  });

  it('finds a bookworm source on this machine', () => {
    expect(readAptSources().some((source) => source.suites.includes('bookworm'))).toBe(true);
  });
});

describe.skipIf(skipReason('busybox root filesystem', BUSYBOX_NEEDS))('busyboxRootfs', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    temp = await makeTempDir('busybox');
  });
  afterAll(async () => temp.cleanup());

  it('makes a root filesystem whose shell runs', async () => {
    const root = await busyboxRootfs(temp.dir);

    expect(await readlink(join(root, 'bin', 'sh'))).toBe('/bin/busybox');
    const { stdout } = await run('chroot', [root, '/bin/sh', '-c', 'echo ok']);
    expect(stdout).toBe('ok\n');
    expect(await readFile(join(root, 'etc', 'passwd'), 'utf8')).toMatch(/^root:/);
  });
});

describe.skipIf(skipReason('debootstrap root filesystem', DEBOOTSTRAP_NEEDS))(
  'debootstrapBookworm',
  () => {
    it('makes a bookworm root with a dpkg database, cached on the second call', async () => {
      const root = await debootstrapBookworm();
      const status = await readFile(join(root, 'var', 'lib', 'dpkg', 'status'), 'utf8');
      const packages = status.split('\n').filter((line) => line.startsWith('Package: '));

      expect(packages.length).toBeGreaterThan(80);
      expect(await readFile(join(root, 'etc', 'debian_version'), 'utf8')).toMatch(/^12\./);
      expect(existsSync(join(root, 'debootstrap'))).toBe(false);
      expect(await debootstrapBookworm()).toBe(root);
    }, FIXTURE_TIMEOUT_MS);
  },
);
