// Linux capabilities: the baseline allow-list for `add` and the restricted drop-ALL rule.
import { asList, dig } from '../fields.js';
import { scPath, type Check, type ContainerRef, type Violation } from '../pod.js';

/** PSS baseline: capabilities that may be added (Docker's historical default set). */
export const BASELINE_ADDABLE = new Set([
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

function addedOutside(controlId: string, allowed: Set<string>, c: ContainerRef): Violation[] {
  const out: Violation[] = [];
  asList(dig(c.securityContext, 'capabilities', 'add')).forEach((cap, i) => {
    if (typeof cap !== 'string' || !allowed.has(cap)) {
      out.push({
        controlId,
        path: scPath(c, 'capabilities', 'add', i),
        container: c.name,
        message: `container ${c.name} adds capability ${String(cap)}`,
      });
    }
  });

  return out;
}

export const baselineCapabilities: Check = (pod) =>
  pod.containers.flatMap((c) => addedOutside('MOAT-K8S-006', BASELINE_ADDABLE, c));

const RESTRICTED_ADDABLE = new Set(['NET_BIND_SERVICE']);

export const restrictedAdd: Check = (pod) =>
  pod.windows
    ? []
    : pod.containers.flatMap((c) => addedOutside('MOAT-K8S-021', RESTRICTED_ADDABLE, c));

export const dropAll: Check = (pod) => {
  if (pod.windows) {
    return [];
  }

  return pod.containers
    .filter((c) => !asList(dig(c.securityContext, 'capabilities', 'drop')).includes('ALL'))
    .map((c) => ({
      controlId: 'MOAT-K8S-020',
      path: scPath(c, 'capabilities', 'drop'),
      container: c.name,
      message: `container ${c.name} does not drop ALL capabilities`,
    }));
};
