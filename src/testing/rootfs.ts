// Real root filesystems for tests: a Debian bookworm made by debootstrap (cached, since it
// takes about half a minute) and a tiny busybox one made in milliseconds.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { debianMirror } from './apt-sources.js';
import { cachedDir } from './cache.js';
import { run } from './run.js';

/** Requirements for `debootstrapBookworm`, in `skipReason()` form. */
export const DEBOOTSTRAP_NEEDS = { root: true, tools: ['debootstrap'] };

/** Requirements for `busyboxRootfs`, in `skipReason()` form. */
export const BUSYBOX_NEEDS = { root: true, tools: ['busybox', 'chroot'] };

/**
 * A Debian 12 minbase root filesystem (about 88 packages, real `/var/lib/dpkg/status`),
 * built once and cached. Returns its path; treat it as read-only.
 * Throws when debootstrap fails (needs root and the machine's Debian mirror).
 */
export async function debootstrapBookworm(): Promise<string> {
  const mirror = debianMirror('bookworm');
  return cachedDir('debootstrap-bookworm-minbase-v1', async (tmp) => {
    const target = join(tmp, 'rootfs');
    await run('debootstrap', ['--variant=minbase', 'bookworm', target, mirror]);
  }).then((dir) => join(dir, 'rootfs'));
}

/**
 * Makes a busybox root filesystem in `dir` (which must exist): `/bin/busybox`, its applet
 * symlinks, `/etc/passwd` and `/etc/group`. Throws when busybox or chroot fails.
 */
export async function busyboxRootfs(dir: string): Promise<string> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(join(dir, 'etc'), { recursive: true });
  await mkdir(join(dir, 'tmp'), { recursive: true, mode: 0o1777 });
  await copyFile(await busyboxPath(), join(dir, 'bin', 'busybox'));
  await run('chroot', [dir, '/bin/busybox', '--install', '-s', '/bin']);
  await writeFile(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(dir, 'etc', 'group'), 'root:x:0:\n');
  return dir;
}

/** The static busybox (busybox-static installs it as /bin/busybox). */
async function busyboxPath(): Promise<string> {
  const { stdout } = await run('sh', ['-c', 'command -v busybox']);
  return stdout.trim() || '/bin/busybox';
}
