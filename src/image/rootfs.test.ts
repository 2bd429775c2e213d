import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import { BUSYBOX_NEEDS, busyboxRootfs } from '../testing/rootfs.js';
import { run } from '../testing/run.js';
import { parseSkippedMounts, skippedPaths } from './mounts.js';
import { openImage } from './open.js';
import { collectRootfs } from './rootfs.js';
import { contentCataloger, lineCountCataloger } from './testing/catalogers.js';

describe('mount points', () => {
  const mountinfo = [
    '22 1 0:21 / /proc rw,nosuid - proc proc rw',
    '23 1 8:1 / / rw - ext4 /dev/sda1 rw',
    '24 1 0:30 / /mnt/with\\040space rw - tmpfs tmpfs rw',
    '25 1 8:2 / /data rw - xfs /dev/sdb1 rw',
  ].join('\n');

  it('skips pseudo and memory filesystems, unescaping mount points', () => {
    expect([...parseSkippedMounts(mountinfo)].sort()).toEqual(['/mnt/with space', '/proc']);
  });

  it('always skips /proc, /sys and /dev when walking /', async () => {
    expect([...(await skippedPaths('/', '23 1 8:1 / / rw - ext4 /dev/sda1 rw'))].sort()).toEqual(
      ['/dev', '/proc', '/sys'],
    );
  });

  it('never skips the root being walked itself', async () => {
    expect(await skippedPaths('/mnt/with space', mountinfo)).not.toContain('/mnt/with space');
  });
});

describe.skipIf(skipReason('dir: root filesystems', BUSYBOX_NEEDS))('collectRootfs', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let root: string;
  beforeAll(async () => {
    temp = await makeTempDir('rootfs');
    root = join(temp.dir, 'root');
    await mkdir(join(root, 'usr', 'lib'), { recursive: true });
    await busyboxRootfs(root);
    await writeFile(join(root, 'usr/lib/os-release'), 'ID=busybox\n');
    await symlink('/usr/lib/os-release', join(root, 'etc/os-release'));
    await symlink('../../../../../../etc/hostname', join(root, 'etc/escape'));
    await symlink('usr/lib', join(root, 'lib'));
    await mkdir(join(root, 'proc', 'self'), { recursive: true });
    await writeFile(join(root, 'proc/self/status'), 'fake');
    await run('mkfifo', [join(root, 'etc/fifo')]);
  });
  afterAll(async () => temp.cleanup());

  it('collects a busybox root filesystem without leaving it', async () => {
    const view = await collectRootfs(root, [
      contentCataloger('c', ['/etc/os-release', '/etc/passwd', '/etc/escape', '/etc/fifo']),
      lineCountCataloger('lines', ['/bin/busybox']),
    ]);

    expect((await view.readFile('/etc/os-release'))?.toString()).toBe('ID=busybox\n');
    expect((await view.readFile('/lib/os-release'))?.toString()).toBe('ID=busybox\n');
    expect((await view.readFile('/etc/passwd'))?.toString()).toMatch(/^root:/);
    // The escaping link resolves inside the root, where /etc/hostname does not exist.
    expect(await view.readFile('/etc/escape')).toBeUndefined();
    expect(view.lstat('/bin/sh')).toMatchObject({ type: 'symlink', linkTarget: '/bin/busybox' });
    expect(view.stat('/bin/sh')?.type).toBe('file');
    expect(view.lstat('/etc/fifo')?.type).toBe('other');
    expect(view.stat('/etc/passwd')?.layer).toBeUndefined();
    expect((view.scanResult('/bin/busybox', 'lines') as { bytes: number }).bytes).toBeGreaterThan(
      100_000,
    );
    expect(view.warnings).toEqual([]);
    await view.close();
  });

  it('does not enter mounted pseudo filesystems', async () => {
    const mountinfo = `22 1 0:21 / ${join(root, 'proc')} rw - proc proc rw`;
    const view = await collectRootfs(root, [], { mountinfo });

    expect(view.lstat('/proc')?.type).toBe('dir');
    expect(view.lstat('/proc/self')).toBeUndefined();
    await view.close();
  });

  it('stops at the entry limit', async () => {
    await expect(collectRootfs(root, [], { limits: { maxEntries: 10 } })).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
    });
  });

  it('is what openImage returns for dir: references', async () => {
    expect(await openImage(`dir:${root}`)).toEqual({ kind: 'rootfs', path: root });
    await expect(openImage(`dir:${join(root, 'missing')}`)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
