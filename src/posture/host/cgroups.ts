// Reads a process's memory, CPU and PIDs limits from cgroup v1 controllers or, where a
// controller is not on v1, from the cgroup v2 unified hierarchy (also in hybrid mode, where v2
// lives under unified/). A value of "no limit" is reported as unset.
import { posix } from 'node:path';
import { parseCgroupFile } from './parse.js';
import type { HostReader } from './reader.js';

export interface CgroupLimit {
  set: boolean;
  /** The file that decided it. */
  file: string;
}

export interface CgroupLimits {
  memory?: CgroupLimit;
  cpu?: CgroupLimit;
  pids?: CgroupLimit;
}

// The kernel reports "no memory limit" as PAGE_COUNTER_MAX pages, about 2^63 bytes.
const UNLIMITED_MEMORY = 2n ** 60n;

interface Probe {
  v1Controller: string;
  v1File: string;
  v2File: string;
  limited(text: string): boolean;
}

const PROBES: Record<keyof CgroupLimits, Probe> = {
  memory: {
    v1Controller: 'memory',
    v1File: 'memory.limit_in_bytes',
    v2File: 'memory.max',
    limited: (t) => t !== 'max' && /^\d+$/.test(t) && BigInt(t) < UNLIMITED_MEMORY,
  },
  cpu: {
    v1Controller: 'cpu',
    v1File: 'cpu.cfs_quota_us',
    v2File: 'cpu.max',
    limited: (t) => !t.startsWith('max') && !t.startsWith('-1') && /^\d+/.test(t),
  },
  pids: {
    v1Controller: 'pids',
    v1File: 'pids.max',
    v2File: 'pids.max',
    limited: (t) => t !== 'max' && /^\d+$/.test(t),
  },
};

export async function readCgroupLimits(
  reader: HostReader,
  pid: number,
  cgroupRoot = '/sys/fs/cgroup',
): Promise<CgroupLimits | undefined> {
  const text = await reader.read(`/proc/${pid}/cgroup`);
  if (text === undefined) {
    return undefined;
  }

  const entries = parseCgroupFile(text);
  const unified =
    (await reader.read(`${cgroupRoot}/cgroup.controllers`)) !== undefined
      ? cgroupRoot
      : `${cgroupRoot}/unified`;
  const limits: CgroupLimits = {};
  for (const key of Object.keys(PROBES) as (keyof CgroupLimits)[]) {
    const probe = PROBES[key];
    const v1 = [...entries.entries()].find(([names]) =>
      names.split(',').includes(probe.v1Controller),
    );
    const file =
      v1 !== undefined
        ? posix.join(cgroupRoot, v1[0], v1[1], probe.v1File)
        : posix.join(unified, entries.get('') ?? '/', probe.v2File);
    const value = (await reader.read(file))?.trim();
    if (value !== undefined) {
      limits[key] = { set: probe.limited(value), file };
    }
  }

  return limits;
}
