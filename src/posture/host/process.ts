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
  /** The AppArmor label (`/proc/PID/attr/current`), when AppArmor is enabled on the host. */
  appArmor?: string;
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
  return {
    pid,
    comm: (await reader.read(`/proc/${pid}/comm`))?.trim() ?? '',
    status,
    namespaces: await readNamespaces(reader, pid),
    uidMap,
    mounts: parseMountinfo(mountinfo),
    limits,
    appArmor: appArmorOn ? (await reader.read(`/proc/${pid}/attr/current`))?.trim() : undefined,
  };
}
