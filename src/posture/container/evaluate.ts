// Turns container facts into violations of the MOAT-CTR controls; shared by the Compose audit
// and the live host audit so both judge the same thing the same way.
import type { ContainerFacts, Fact } from './facts.js';

export interface ContainerViolation {
  controlId: string;
  fact: Fact<unknown>;
  message: string;
}

type Rule = (f: ContainerFacts) => ContainerViolation[];

function when<T>(
  controlId: string,
  fact: Fact<T> | undefined,
  bad: (value: T) => boolean,
  message: (value: T) => string,
): ContainerViolation[] {
  if (fact === undefined || !bad(fact.value)) {
    return [];
  }

  return [{ controlId, fact, message: message(fact.value) }];
}

const yes = (v: boolean): boolean => v;
const no = (v: boolean): boolean => !v;

export const CONTAINER_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['MOAT-CTR-001', (f) => when('MOAT-CTR-001', f.privileged, yes, () => 'runs privileged')],
  [
    'MOAT-CTR-002',
    (f) => when('MOAT-CTR-002', f.hostNamespaces.pid, yes, () => 'shares the host PID namespace'),
  ],
  [
    'MOAT-CTR-003',
    (f) => when('MOAT-CTR-003', f.hostNamespaces.ipc, yes, () => 'shares the host IPC namespace'),
  ],
  [
    'MOAT-CTR-004',
    (f) =>
      when(
        'MOAT-CTR-004',
        f.hostNamespaces.network,
        yes,
        () => 'shares the host network namespace',
      ),
  ],
  [
    'MOAT-CTR-005',
    (f) =>
      when(
        'MOAT-CTR-005',
        f.extraCapabilities,
        (v) => v.length > 0,
        (v) => `holds ${v.join(', ')}`,
      ),
  ],
  [
    'MOAT-CTR-006',
    (f) => when('MOAT-CTR-006', f.allCapabilitiesDropped, no, () => 'keeps default capabilities'),
  ],
  [
    'MOAT-CTR-007',
    (f) => when('MOAT-CTR-007', f.seccompDisabled, yes, () => 'runs without seccomp'),
  ],
  ['MOAT-CTR-008', (f) => when('MOAT-CTR-008', f.noNewPrivileges, no, () => 'may gain privileges')],
  ['MOAT-CTR-009', (f) => when('MOAT-CTR-009', f.runsAsRoot, yes, () => 'runs as root (UID 0)')],
  ['MOAT-CTR-010', (f) => when('MOAT-CTR-010', f.readOnlyRoot, no, () => 'has a writable root')],
  ['MOAT-CTR-011', (f) => when('MOAT-CTR-011', f.memoryLimit, no, () => 'has no memory limit')],
  ['MOAT-CTR-012', (f) => when('MOAT-CTR-012', f.cpuLimit, no, () => 'has no CPU limit')],
  ['MOAT-CTR-013', (f) => when('MOAT-CTR-013', f.pidsLimit, no, () => 'has no PIDs limit')],
  [
    'MOAT-CTR-014',
    (f) =>
      f.sensitiveMounts.flatMap((m) =>
        when(
          'MOAT-CTR-014',
          m,
          () => true,
          (v) => `mounts the host's ${v}`,
        ),
      ),
  ],
  [
    'MOAT-CTR-015',
    (f) => when('MOAT-CTR-015', f.appArmorDisabled, yes, () => 'runs without AppArmor'),
  ],
  [
    'MOAT-CTR-016',
    (f) => when('MOAT-CTR-016', f.seLinuxDisabled, yes, () => 'runs without SELinux labels'),
  ],
  ['MOAT-CTR-017', (f) => when('MOAT-CTR-017', f.userNamespace, no, () => 'has no user namespace')],
  [
    'MOAT-CTR-018',
    (f) =>
      when(
        'MOAT-CTR-018',
        f.sandboxedForCardholderData,
        no,
        () => 'holds cardholder data outside a sandbox',
      ),
  ],
  [
    'MOAT-CTR-019',
    (f) => when('MOAT-CTR-019', f.hostNamespaces.uts, yes, () => 'shares the host UTS namespace'),
  ],
  [
    'MOAT-CTR-020',
    (f) =>
      when(
        'MOAT-CTR-020',
        f.devices,
        (v) => v.length > 0,
        (v) => `exposes host devices ${v.join(', ')}`,
      ),
  ],
  [
    'MOAT-CTR-021',
    (f) => when('MOAT-CTR-021', f.imagePinned, no, () => 'uses an image not pinned by digest'),
  ],
  [
    'MOAT-CTR-022',
    (f) =>
      when('MOAT-CTR-022', f.hostNamespaces.cgroup, yes, () => 'shares the host cgroup namespace'),
  ],
  [
    'MOAT-CTR-023',
    (f) =>
      when('MOAT-CTR-023', f.imageAllowed, no, () => 'uses an image from a registry not allowed'),
  ],
]);

export function evaluateContainer(
  facts: ContainerFacts,
  controlIds: string[],
): ContainerViolation[] {
  return controlIds.flatMap((id) => CONTAINER_RULES.get(id)?.(facts) ?? []);
}
