// Mount points a root filesystem walk must not enter: kernel pseudo filesystems (/proc, /sys,
// /dev and friends), memory-backed and network filesystems. Read from /proc/self/mountinfo
// (proc(5) "mountinfo"), whose mount points escape space, tab, newline and backslash in octal.
import { readFile } from 'node:fs/promises';

const SKIPPED_TYPES = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'ramfs', 'cgroup', 'cgroup2', 'securityfs',
  'debugfs', 'tracefs', 'bpf', 'pstore', 'fusectl', 'configfs', 'mqueue', 'hugetlbfs', 'autofs',
  'binfmt_misc', 'efivarfs', 'rpc_pipefs', 'nsfs', 'nfs', 'nfs4', 'cifs', 'smb3', 'fuse.sshfs',
  'fuse.gvfsd-fuse', 'selinuxfs',
]);

/** Directories never entered when walking `/`, mounted or not. */
const ROOT_PSEUDO_DIRS = ['/proc', '/sys', '/dev'];

/** Mount points of skipped filesystem types, from mountinfo text. */
export function parseSkippedMounts(mountinfo: string): Set<string> {
  const skipped = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    const mountPoint = fields[4];
    const type = dash < 0 ? undefined : fields[dash + 1];
    if (mountPoint !== undefined && type !== undefined && SKIPPED_TYPES.has(type)) {
      skipped.add(unescapeOctal(mountPoint));
    }
  }

  return skipped;
}

/**
 * The absolute host paths a walk of `root` skips. When mountinfo cannot be read (not Linux),
 * only the well-known pseudo directories of `/` are skipped.
 */
export async function skippedPaths(root: string, mountinfo?: string): Promise<Set<string>> {
  const text = mountinfo ?? (await readFile('/proc/self/mountinfo', 'utf8').catch(() => ''));
  const skipped = parseSkippedMounts(text);
  skipped.delete(root);
  if (root === '/') {
    for (const dir of ROOT_PSEUDO_DIRS) {
      skipped.add(dir);
    }
  }

  return skipped;
}

function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_match, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}
