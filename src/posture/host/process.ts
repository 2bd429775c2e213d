// One process as the host sees it: namespaces, credentials, seccomp, user namespace, mounts and
// cgroup limits. A process that exits mid-read yields undefined (the caller notes it and goes on).
import { readCgroupLimits, type CgroupLimits } from './cgroups.js';
import { parseMountinfo, parseStatus, type MountEntry, type ProcStatus } from './parse.js';
import type { HostReader } from './reader.js';

export const NAMESPACES = ['pid', 'ipc', 'net', 'uts', 'cgroup', 'user', 'mnt'] as const;
export type NamespaceName = (typeof NAMESPACES)[number];

export interface ProcessSnapshot {
  pid: number;
  comm: string;
  status: ProcStatus;
  namespaces: Partial<Record<NamespaceName, string>>;
  uidMap: string;
  mounts: MountEntry[];
  limits: CgroupLimits;
  /** The AppArmor label and the file it came from, when AppArmor is enabled on the host. */
  appArmor?: { label: string; file: string };
  /** The SELinux context and its file, when SELinux is enabled on the host. */
  seLinux?: { label: string; file: string };
}

async function readLabel(
  reader: HostReader,
  files: string[],
): Promise<{ label: string; file: string } | undefined> {
  for (const file of files) {
    const label = (await reader.read(file))?.replace(/\0/g, '').trim();
    if (label !== undefined && label !== '') {
      return { label, file };
    }
  }

  return undefined;
}

export async function readNamespaces(
  reader: HostReader,
  pid: number | 'self',
): Promise<Partial<Record<NamespaceName, string>>> {
  const out: Partial<Record<NamespaceName, string>> = {};
  for (const ns of NAMESPACES) {
    const link = await reader.readlink(`/proc/${pid}/ns/${ns}`);
    if (link !== undefined) {
      out[ns] = link;
    }
  }

  return out;
}

export async function readProcess(
  reader: HostReader,
  pid: number,
  cgroupRoot?: string,
): Promise<ProcessSnapshot | undefined> {
  const statusText = await reader.read(`/proc/${pid}/status`);
  const status = statusText === undefined ? undefined : parseStatus(statusText);
  const uidMap = await reader.read(`/proc/${pid}/uid_map`);
  const mountinfo = await reader.read(`/proc/${pid}/mountinfo`);
  const limits = await readCgroupLimits(reader, pid, cgroupRoot);
  if (
    status === undefined ||
    uidMap === undefined ||
    mountinfo === undefined ||
    limits === undefined
  ) {
    return undefined;
  }

  const appArmorOn = (await reader.read('/sys/module/apparmor/parameters/enabled'))?.trim() === 'Y';
  // selinuxfs is mounted (and `enforce` readable) only when SELinux is enabled.
  const seLinuxOn = (await reader.read('/sys/fs/selinux/enforce')) !== undefined;
  const attr = `/proc/${pid}/attr`;
  return {
    pid,
    comm: (await reader.read(`/proc/${pid}/comm`))?.trim() ?? '',
    status,
    namespaces: await readNamespaces(reader, pid),
    uidMap,
    mounts: parseMountinfo(mountinfo),
    limits,
    // With LSM stacking AppArmor has its own attr/apparmor/; attr/current is the first
    // major LSM's, so it is AppArmor's only when SELinux is not on.
    appArmor: appArmorOn
      ? await readLabel(reader, [
          `${attr}/apparmor/current`,
          ...(seLinuxOn ? [] : [`${attr}/current`]),
        ])
      : undefined,
    seLinux: seLinuxOn ? await readLabel(reader, [`${attr}/current`]) : undefined,
  };
}
