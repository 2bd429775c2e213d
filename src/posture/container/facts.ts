// What Moat knows about one container, whether read from a Compose file or from a live process:
// each fact with the field (or /proc entry) it came from. An absent fact was not observable from
// that source and its control is not judged there.
import type { FieldPath } from '../k8s/path.js';

export interface Fact<T> {
  value: T;
  /** The field that decided it: `services.web.privileged`, `/proc/4711/status CapEff`. */
  path: string;
  /** The same field as segments, when it lives in a parsed document (for the line). */
  at?: FieldPath;
}

export type HostNamespace = 'pid' | 'ipc' | 'network' | 'uts' | 'cgroup';

export interface ContainerFacts {
  privileged?: Fact<boolean>;
  hostNamespaces: Partial<Record<HostNamespace, Fact<boolean>>>;
  /** Capabilities held or added beyond the PSS baseline set. */
  extraCapabilities?: Fact<string[]>;
  allCapabilitiesDropped?: Fact<boolean>;
  seccompDisabled?: Fact<boolean>;
  noNewPrivileges?: Fact<boolean>;
  runsAsRoot?: Fact<boolean>;
  readOnlyRoot?: Fact<boolean>;
  memoryLimit?: Fact<boolean>;
  cpuLimit?: Fact<boolean>;
  pidsLimit?: Fact<boolean>;
  sensitiveMounts: Fact<string>[];
  appArmorDisabled?: Fact<boolean>;
  seLinuxDisabled?: Fact<boolean>;
  userNamespace?: Fact<boolean>;
  /** Set only for containers labelled as cardholder data: is the runtime a sandbox? */
  sandboxedForCardholderData?: Fact<boolean>;
  devices?: Fact<string[]>;
  imagePinned?: Fact<boolean>;
  /** Set only when allowed registries are given: is the image from one of them? */
  imageAllowed?: Fact<boolean>;
}

/** PSS baseline: capabilities that may be added (Docker's historical default set). */
export const DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
