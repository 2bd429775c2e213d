// Parsers for the /proc files the host audit reads (proc(5)): status, mountinfo, uid_map,
// cgroup and the LSM labels under attr/. Pure; malformed lines are skipped.

/** Capability numbers to names (linux/capability.h, up to CAP_CHECKPOINT_RESTORE = 40). */
export const CAPABILITY_NAMES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
];

export interface ProcStatus {
  capEff: bigint;
  capBnd: bigint;
  noNewPrivs: boolean;
  /** 0 disabled, 1 strict, 2 filter. */
  seccomp: number;
  /** Effective UID as seen from the reading process's user namespace. */
  uid: number;
}

export function parseStatus(text: string): ProcStatus | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
    }
  }

  const capEff = fields.get('CapEff');
  const capBnd = fields.get('CapBnd');
  const uid = fields.get('Uid')?.split(/\s+/)[1];
  if (capEff === undefined || capBnd === undefined || uid === undefined) {
    return undefined;
  }

  return {
    capEff: BigInt(`0x${capEff}`),
    capBnd: BigInt(`0x${capBnd}`),
    noNewPrivs: fields.get('NoNewPrivs') === '1',
    seccomp: Number(fields.get('Seccomp') ?? '0'),
    uid: Number(uid),
  };
}

export function capabilityNames(mask: bigint): string[] {
  return CAPABILITY_NAMES.filter((_name, bit) => (mask >> BigInt(bit)) & 1n);
}

export interface MountEntry {
  /** Path inside the mounted filesystem that is mounted (the bind source for bind mounts). */
  root: string;
  mountPoint: string;
  options: string[];
  fsType: string;
  source: string;
}

/** mountinfo escapes space, tab, newline and backslash as octal (\040 …). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const parts = line.split(' ');
    const dash = parts.indexOf('-');
    if (dash < 6 || parts.length < dash + 3) {
      continue;
    }

    out.push({
      root: unescape(parts[3] ?? ''),
      mountPoint: unescape(parts[4] ?? ''),
      options: (parts[5] ?? '').split(','),
      fsType: parts[dash + 1] ?? '',
      source: unescape(parts[dash + 2] ?? ''),
    });
  }

  return out;
}

/** True when the map is the identity over all UIDs: the process is in the initial namespace. */
export function isInitialUserNamespace(uidMap: string): boolean {
  const lines = uidMap
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  return lines.length === 1 && lines[0]?.join(' ') === '0 0 4294967295';
}

/** The container's UID 0 on the host, or undefined when UID 0 is not mapped. */
export function hostUidOfRoot(uidMap: string): number | undefined {
  for (const line of uidMap.trim().split('\n')) {
    const [inside, outside, count] = line.trim().split(/\s+/).map(Number);
    if (
      inside !== undefined &&
      outside !== undefined &&
      count !== undefined &&
      inside <= 0 &&
      0 < inside + count
    ) {
      return outside - inside;
    }
  }

  return undefined;
}

/** /proc/PID/cgroup as controller → path; the v2 unified entry is under the key ''. */
export function parseCgroupFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (match !== null) {
      out.set(match[1] ?? '', match[2] ?? '');
    }
  }

  return out;
}

export interface AppArmorLabel {
  profile: string;
  /** enforce, complain, kill, unconfined…; absent for the bare `unconfined` label. */
  mode?: string;
}

/** An AppArmor label as /proc/PID/attr/(apparmor/)current shows it: `PROFILE (MODE)`. */
export function parseAppArmorLabel(text: string): AppArmorLabel | undefined {
  const label = text.replace(/\0/g, '').trim();
  if (label === '') {
    return undefined;
  }

  const match = /^(.*\S)\s+\(([a-z_]+)\)$/.exec(label);
  return match === null ? { profile: label } : { profile: match[1] ?? '', mode: match[2] };
}

/** False for the unconfined label and for profiles that only log (complain, unconfined). */
export function appArmorConfines(label: AppArmorLabel): boolean {
  return label.profile !== 'unconfined' && label.mode !== 'complain' && label.mode !== 'unconfined';
}

export interface SeLinuxContext {
  user: string;
  role: string;
  type: string;
  /** MLS/MCS range, e.g. `s0:c12,c34`; it may itself contain colons. */
  level: string;
}

/** A SELinux context `user:role:type[:level]`, as /proc/PID/attr/current shows it. */
export function parseSeLinuxContext(text: string): SeLinuxContext | undefined {
  const parts = text.replace(/\0/g, '').trim().split(':');
  if (parts.length < 3 || parts.slice(0, 3).some((p) => p === '')) {
    return undefined;
  }

  const [user = '', role = '', type = '', ...level] = parts;
  return { user, role, type, level: level.join(':') };
}

/** SELinux types that leave a container process unconfined (container-selinux policy). */
export const UNCONFINED_SELINUX_TYPES = new Set(['unconfined_t', 'spc_t', 'container_runtime_t']);
