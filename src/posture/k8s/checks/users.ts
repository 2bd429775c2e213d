// Who the container runs as: privilege escalation, runAsNonRoot, UID 0 and high UIDs.
import {
  podScPath,
  scPath,
  waivedForUserNamespace,
  type Check,
  type Violation,
} from '../pod.js';

export const privilegeEscalation: Check = (pod) =>
  pod.windows
    ? []
    : pod.containers
        .filter((c) => c.securityContext.allowPrivilegeEscalation !== false)
        .map((c) => ({
          controlId: 'MOAT-K8S-016',
          path: scPath(c, 'allowPrivilegeEscalation'),
          container: c.name,
          message: `container ${c.name} does not set allowPrivilegeEscalation: false`,
        }));

/** Restricted: true on the pod or on every container, and never false anywhere. */
export const runAsNonRoot: Check = (pod) => {
  const out: Violation[] = [];
  if (waivedForUserNamespace(pod, ['pss-restricted'])) {
    return out;
  }

  const podValue = pod.podSecurityContext.runAsNonRoot;
  if (podValue === false) {
    out.push({
      controlId: 'MOAT-K8S-017',
      path: podScPath(pod, 'runAsNonRoot'),
      message: 'pod sets runAsNonRoot: false',
    });
  }

  for (const c of pod.containers) {
    const value = c.securityContext.runAsNonRoot;
    if (value === false || (value !== true && podValue !== true)) {
      out.push({
        controlId: 'MOAT-K8S-017',
        path: scPath(c, 'runAsNonRoot'),
        container: c.name,
        message:
          value === false
            ? `container ${c.name} sets runAsNonRoot: false`
            : `container ${c.name} is not required to run as non-root`,
      });
    }
  }

  return out;
};

export const runAsRootUid: Check = (pod) => {
  const out: Violation[] = [];
  if (waivedForUserNamespace(pod, ['pss-restricted'])) {
    return out;
  }

  if (pod.podSecurityContext.runAsUser === 0) {
    out.push({
      controlId: 'MOAT-K8S-018',
      path: podScPath(pod, 'runAsUser'),
      message: 'pod sets runAsUser: 0',
    });
  }

  for (const c of pod.containers.filter((c) => c.securityContext.runAsUser === 0)) {
    out.push({
      controlId: 'MOAT-K8S-018',
      path: scPath(c, 'runAsUser'),
      container: c.name,
      message: `container ${c.name} sets runAsUser: 0`,
    });
  }

  return out;
};

const HIGH_UID = 10000;

export const highUid: Check = (pod) =>
  pod.containers.flatMap((c) => {
    const uid = c.securityContext.runAsUser ?? pod.podSecurityContext.runAsUser;
    if (typeof uid === 'number' && uid > HIGH_UID) {
      return [];
    }

    return [
      {
        controlId: 'MOAT-K8S-044',
        path: scPath(c, 'runAsUser'),
        container: c.name,
        message:
          uid === undefined
            ? `container ${c.name} sets no runAsUser`
            : `container ${c.name} runs as UID ${String(uid)} (10000 or below)`,
      },
    ];
  });
