// Reads one Compose service (Compose Specification fields) into container facts.
// Limitation: a daemon-wide userns-remap cannot be seen from the file, so user namespaces are
// judged only when `userns_mode: host` opts a service out explicitly.
import { DEFAULT_CAPABILITIES, type ContainerFacts, type Fact } from '../container/facts.js';
import { isDigestPinned } from '../image-ref.js';
import { isSensitiveHostPath } from '../k8s/checks/volumes.js';
import { asFields, asList, asString, dig, type Fields } from '../k8s/fields.js';
import { formatPath, type FieldPath } from '../k8s/path.js';

export interface ComposeOptions {
  cdeLabel: { key: string; value: string };
  sandboxRuntimes: string[];
}

function capability(name: unknown): string {
  return String(name).toUpperCase().replace(/^CAP_/, '');
}

/** `security_opt` entries as key → value; both `key=value` and `key:value` are accepted. */
function securityOptions(service: Fields): Map<string, { value: string; index: number }> {
  const out = new Map<string, { value: string; index: number }>();
  asList(service.security_opt).forEach((entry, index) => {
    const text = String(entry);
    const split = text.search(/[=:]/);
    const key = split < 0 ? text : text.slice(0, split);
    out.set(key, { value: split < 0 ? '' : text.slice(split + 1), index });
  });
  return out;
}

function isRootUser(user: unknown): boolean {
  if (user === undefined || user === null) {
    return true;
  }

  const name = String(user).split(':')[0]?.trim() ?? '';
  return name === '' || name === 'root' || name === '0';
}

function labels(service: Fields): Record<string, string> {
  const raw = service.labels;
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw.map((l) => String(l).split('=')).map(([k = '', ...v]) => [k, v.join('=')]),
    );
  }

  const map = asFields(raw) ?? {};
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, String(v)]));
}

/** Host path of one `volumes` entry, or undefined for named volumes and tmpfs. */
function bindSource(entry: unknown): string | undefined {
  const long = asFields(entry);
  if (long !== undefined) {
    return long.type === 'bind' ? asString(long.source) : undefined;
  }

  const source = String(entry).split(':')[0] ?? '';
  return source.startsWith('/') || source.startsWith('.') || source.startsWith('~')
    ? source
    : undefined;
}

export function serviceFacts(
  service: Fields,
  base: FieldPath,
  options: ComposeOptions,
): ContainerFacts {
  const fact = <T>(value: T, ...keys: (string | number)[]): Fact<T> => {
    const at = [...base, ...keys];
    return { value, path: formatPath(at), at };
  };
  const sec = securityOptions(service);
  const opt = (key: string): (string | number)[] => {
    const found = sec.get(key);
    return found === undefined ? ['security_opt'] : ['security_opt', found.index];
  };
  const limit = (...keys: string[]): unknown =>
    dig(service, 'deploy', 'resources', 'limits', ...keys);
  const added = asList(service.cap_add).map(capability);
  const dropped = asList(service.cap_drop).map(capability);
  const image = asString(service.image);
  const nnp = sec.get('no-new-privileges');
  const facts: ContainerFacts = {
    privileged: fact(service.privileged === true, 'privileged'),
    hostNamespaces: {
      pid: fact(service.pid === 'host', 'pid'),
      ipc: fact(service.ipc === 'host', 'ipc'),
      network: fact(service.network_mode === 'host', 'network_mode'),
      uts: fact(service.uts === 'host', 'uts'),
      cgroup: fact(service.cgroup === 'host', 'cgroup'),
    },
    extraCapabilities: fact(
      added.filter((c) => !DEFAULT_CAPABILITIES.has(c)),
      'cap_add',
    ),
    allCapabilitiesDropped: fact(dropped.includes('ALL'), 'cap_drop'),
    seccompDisabled: fact(sec.get('seccomp')?.value === 'unconfined', ...opt('seccomp')),
    noNewPrivileges: fact(
      nnp !== undefined && (nnp.value === '' || nnp.value === 'true'),
      ...opt('no-new-privileges'),
    ),
    runsAsRoot: fact(isRootUser(service.user), 'user'),
    readOnlyRoot: fact(service.read_only === true, 'read_only'),
    memoryLimit: fact(
      service.mem_limit !== undefined || limit('memory') !== undefined,
      'mem_limit',
    ),
    cpuLimit: fact(
      service.cpus !== undefined || service.cpu_quota !== undefined || limit('cpus') !== undefined,
      'cpus',
    ),
    pidsLimit: fact(isPositive(service.pids_limit) || isPositive(limit('pids')), 'pids_limit'),
    sensitiveMounts: asList(service.volumes).flatMap((entry, i) => {
      const source = bindSource(entry);
      return source !== undefined && isSensitiveHostPath(source)
        ? [fact(source, 'volumes', i)]
        : [];
    }),
    appArmorDisabled: fact(sec.get('apparmor')?.value === 'unconfined', ...opt('apparmor')),
    seLinuxDisabled: fact(sec.get('label')?.value === 'disable', ...opt('label')),
    devices: fact(asList(service.devices).map(String), 'devices'),
  };
  if (service.userns_mode === 'host') {
    facts.userNamespace = fact(false, 'userns_mode');
  }

  if (labels(service)[options.cdeLabel.key] === options.cdeLabel.value) {
    const runtime = asString(service.runtime) ?? '';
    facts.sandboxedForCardholderData = fact(options.sandboxRuntimes.includes(runtime), 'runtime');
  }

  if (image !== undefined) {
    facts.imagePinned = fact(isDigestPinned(image), 'image');
  }

  return facts;
}

function isPositive(value: unknown): boolean {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}
