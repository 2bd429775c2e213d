// Reduces a container's init process to container facts, judged against the host's reference
// process (PID 1, or this process when PID 1 cannot be read). Pure.
// Capabilities held inside a user namespace are not host capabilities, so they are judged only
// for processes in the initial user namespace. For gVisor (runsc) the host sees the sandbox
// process: its PID/IPC/UTS/cgroup namespaces are the Sentry's business and are not judged.
import { posix } from 'node:path';
import { DEFAULT_CAPABILITIES, type ContainerFacts, type Fact } from '../container/facts.js';
import { isAllowedRegistry, isDigestPinned } from '../image-ref.js';
import { isSensitiveHostPath } from '../k8s/checks/volumes.js';
import {
  appArmorConfines,
  capabilityNames,
  isInitialUserNamespace,
  parseAppArmorLabel,
  parseSeLinuxContext,
  UNCONFINED_SELINUX_TYPES,
} from './parse.js';
import type { NamespaceName, ProcessSnapshot } from './process.js';

export interface ContainerIdentity {
  id: string;
  name: string;
  pid: number;
  /** runc, crun, runsc, kata, or unknown. */
  runtime: string;
  /** The containerd runtime type (`io.containerd.runc.v2`), when containerd runs it. */
  runtimeType?: string;
  /** The image reference the container was created from, as the runtime recorded it. */
  image?: string;
  /** That image's manifest digest, where the runtime records it. */
  imageDigest?: string;
  /** The Kubernetes namespace (CRI) or the containerd namespace the container lives in. */
  namespace?: string;
  /** Pod and container names, from the CRI annotations. */
  kubernetes?: { namespace: string; pod: string; container: string };
  labels: Record<string, string>;
  /** Where it was found: podman, docker-api, containerd, runc-state, runsc-state, cgroup. */
  source: string;
}

export interface HostFactOptions {
  cdeLabel: { key: string; value: string };
  sandboxRuntimes: string[];
  /** Registries images may come from (`--allowed-registry`); empty = not judged. */
  allowedRegistries?: string[];
}

export interface Reference {
  capBnd: bigint;
  namespaces: Partial<Record<NamespaceName, string>>;
}

// Filesystems a runtime mounts for every container; only other mounts can be host binds.
const RUNTIME_FS = new Set([
  'proc',
  'sysfs',
  'tmpfs',
  'devpts',
  'mqueue',
  'cgroup',
  'cgroup2',
  'overlay',
  'shm',
  'ramfs',
  'securityfs',
  'nsfs',
  'fuse.fuse-overlayfs',
  'bpf',
  'tracefs',
  'debugfs',
  'hugetlbfs',
]);
const SOCKETS = new Set(['docker.sock', 'containerd.sock', 'crio.sock', 'podman.sock']);
// The device nodes every OCI container gets (runtime-spec "Default Devices"). In a user
// namespace runc bind-mounts them from the host's devtmpfs, and it masks paths such as
// /proc/keys by mounting /dev/null over them: neither is a host path handed to the container.
const DEFAULT_DEVICES = new Set([
  '/null',
  '/zero',
  '/full',
  '/random',
  '/urandom',
  '/tty',
  '/console',
  '/ptmx',
]);
const SANDBOXED = new Set(['runsc', 'kata', 'kata-runtime', 'kata-qemu', 'kata-fc', 'kata-clh']);

export function hostFacts(
  proc: ProcessSnapshot,
  container: ContainerIdentity,
  reference: Reference,
  options: HostFactOptions,
): ContainerFacts {
  const status = `/proc/${proc.pid}/status`;
  const fact = <T>(value: T, path: string): Fact<T> => ({ value, path });
  const sandbox = SANDBOXED.has(container.runtime);
  const initialUserNs = isInitialUserNamespace(proc.uidMap);
  const shared = (ns: NamespaceName): Fact<boolean> | undefined => {
    const mine = proc.namespaces[ns];
    const host = reference.namespaces[ns];
    if (mine === undefined || host === undefined) {
      return undefined;
    }

    return fact(mine === host, `/proc/${proc.pid}/ns/${ns}`);
  };
  const root = proc.mounts.find((m) => m.mountPoint === '/');
  const facts: ContainerFacts = {
    hostNamespaces: {
      network: shared('net'),
      ...(sandbox
        ? {}
        : { pid: shared('pid'), ipc: shared('ipc'), uts: shared('uts'), cgroup: shared('cgroup') }),
    },
    seccompDisabled: fact(proc.status.seccomp === 0, `${status} Seccomp`),
    noNewPrivileges: fact(proc.status.noNewPrivs, `${status} NoNewPrivs`),
    runsAsRoot: fact(proc.status.uid === 0, `${status} Uid`),
    memoryLimit: limit(proc.limits.memory),
    cpuLimit: limit(proc.limits.cpu),
    pidsLimit: limit(proc.limits.pids),
    sensitiveMounts: proc.mounts.flatMap((m) => {
      if (m.fsType === 'devtmpfs' && DEFAULT_DEVICES.has(m.root)) {
        return [];
      }

      const source = m.fsType === 'devtmpfs' ? posix.join('/dev', m.root) : m.root;
      const bind = !RUNTIME_FS.has(m.fsType);
      const socket =
        SOCKETS.has(posix.basename(m.root)) || SOCKETS.has(posix.basename(m.mountPoint));
      return bind && (socket || isSensitiveHostPath(source))
        ? [fact(`${source} (at ${m.mountPoint})`, `/proc/${proc.pid}/mountinfo ${m.mountPoint}`)]
        : [];
    }),
    userNamespace: fact(!initialUserNs, `/proc/${proc.pid}/uid_map`),
  };
  if (initialUserNs) {
    // What the process holds now (CapEff) or can still gain (CapBnd, e.g. via set-user-ID).
    const held = proc.status.capBnd | proc.status.capEff;
    const where = `${status} CapEff/CapBnd`;
    const extra = capabilityNames(held).filter((c) => !DEFAULT_CAPABILITIES.has(c));
    facts.privileged = fact(
      (held & reference.capBnd) === reference.capBnd && proc.status.seccomp === 0,
      where,
    );
    facts.extraCapabilities = fact(extra, where);
    facts.allCapabilitiesDropped = fact(held === 0n, where);
  }

  if (root !== undefined && !sandbox) {
    facts.readOnlyRoot = fact(root.options.includes('ro'), `/proc/${proc.pid}/mountinfo /`);
  }

  const appArmor =
    proc.appArmor === undefined ? undefined : parseAppArmorLabel(proc.appArmor.label);
  if (appArmor !== undefined && proc.appArmor !== undefined) {
    facts.appArmorDisabled = fact(
      !appArmorConfines(appArmor),
      `${proc.appArmor.file} ${proc.appArmor.label}`,
    );
  }

  const seLinux = proc.seLinux === undefined ? undefined : parseSeLinuxContext(proc.seLinux.label);
  if (seLinux !== undefined && proc.seLinux !== undefined) {
    facts.seLinuxDisabled = fact(
      UNCONFINED_SELINUX_TYPES.has(seLinux.type),
      `${proc.seLinux.file} ${seLinux.type}`,
    );
  }

  if (container.image !== undefined && container.image !== '') {
    const where = `image ${container.image}`;
    facts.imagePinned = fact(isDigestPinned(container.image), where);
    const allowed = options.allowedRegistries ?? [];
    if (allowed.length > 0) {
      facts.imageAllowed = fact(isAllowedRegistry(container.image, allowed), where);
    }
  }

  if (container.labels[options.cdeLabel.key] === options.cdeLabel.value) {
    facts.sandboxedForCardholderData = fact(
      options.sandboxRuntimes.includes(container.runtime),
      `runtime ${container.runtime}`,
    );
  }

  return facts;
}

function limit(value: { set: boolean; file: string } | undefined): Fact<boolean> | undefined {
  return value === undefined ? undefined : { value: value.set, path: value.file };
}
