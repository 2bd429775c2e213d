// Kernel confinement: AppArmor, SELinux, /proc masking and seccomp, at pod and container level.
import { asFields, asString, dig, type Fields } from '../fields.js';
import {
  podScPath,
  scPath,
  waivedForUserNamespace,
  type Check,
  type PodContext,
  type Violation,
} from '../pod.js';
import type { FieldPath } from '../path.js';

const CONFINED_PROFILES = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/** Every security context of the pod with its path and the container it belongs to. */
function contexts(
  pod: PodContext,
): { sc: Fields; at: (...k: string[]) => FieldPath; container?: string }[] {
  return [
    { sc: pod.podSecurityContext, at: (...k) => podScPath(pod, ...k) },
    ...pod.containers.map((c) => ({
      sc: c.securityContext,
      at: (...k: string[]) => scPath(c, ...k),
      container: c.name,
    })),
  ];
}

function owner(container?: string): string {
  return container === undefined ? 'pod' : `container ${container}`;
}

export const appArmor: Check = (pod) => {
  const out: Violation[] = [];
  for (const { sc, at, container } of contexts(pod)) {
    const type = dig(sc, 'appArmorProfile', 'type');
    if (type !== undefined && type !== null && !CONFINED_PROFILES.has(String(type))) {
      out.push({
        controlId: 'MOAT-K8S-010',
        path: at('appArmorProfile', 'type'),
        container,
        message: `${owner(container)} sets AppArmor profile ${String(type)}`,
      });
    }
  }

  for (const [key, value] of Object.entries(asFields(pod.workload.metadata.annotations) ?? {})) {
    if (!key.startsWith(APPARMOR_ANNOTATION)) {
      continue;
    }

    const profile = asString(value) ?? '';
    if (profile !== 'runtime/default' && !profile.startsWith('localhost/')) {
      out.push({
        controlId: 'MOAT-K8S-010',
        path: [...pod.workload.metadataPath, 'annotations', key],
        container: key.slice(APPARMOR_ANNOTATION.length),
        message: `annotation ${key} sets AppArmor profile ${profile || '(empty)'}`,
      });
    }
  }

  return out;
};

const SELINUX_TYPES = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
]);

export const seLinux: Check = (pod) => {
  const out: Violation[] = [];
  for (const { sc, at, container } of contexts(pod)) {
    const options = asFields(sc.seLinuxOptions) ?? {};
    const type = options.type;
    if (type !== undefined && type !== null && !SELINUX_TYPES.has(String(type))) {
      out.push({
        controlId: 'MOAT-K8S-011',
        path: at('seLinuxOptions', 'type'),
        container,
        message: `${owner(container)} sets SELinux type ${String(type)}`,
      });
    }

    for (const field of ['user', 'role']) {
      const value = options[field];
      if (value !== undefined && value !== null && value !== '') {
        out.push({
          controlId: 'MOAT-K8S-011',
          path: at('seLinuxOptions', field),
          container,
          message: `${owner(container)} sets SELinux ${field} ${String(value)}`,
        });
      }
    }
  }

  return out;
};

/** Baseline allows any procMount in a user-namespaced pod; restricted and `moat` never do. */
export const procMount: Check = (pod) =>
  (waivedForUserNamespace(pod, ['pss-baseline']) ? [] : pod.containers)
    .filter(
      (c) =>
        c.securityContext.procMount !== undefined &&
        c.securityContext.procMount !== null &&
        c.securityContext.procMount !== 'Default',
    )
    .map((c) => ({
      controlId: 'MOAT-K8S-012',
      path: scPath(c, 'procMount'),
      container: c.name,
      message: `container ${c.name} sets procMount ${String(c.securityContext.procMount)}`,
    }));

export const seccompNotUnconfined: Check = (pod) => {
  const out: Violation[] = [];
  for (const { sc, at, container } of contexts(pod)) {
    const type = dig(sc, 'seccompProfile', 'type');
    if (type !== undefined && type !== null && !CONFINED_PROFILES.has(String(type))) {
      out.push({
        controlId: 'MOAT-K8S-013',
        path: at('seccompProfile', 'type'),
        container,
        message: `${owner(container)} sets seccomp profile ${String(type)}`,
      });
    }
  }

  return out;
};

/** Restricted: every container needs RuntimeDefault or Localhost, set on it or inherited. */
export const seccompRequired: Check = (pod) => {
  if (pod.windows) {
    return [];
  }

  const out: Violation[] = [];
  const podType = dig(pod.podSecurityContext, 'seccompProfile', 'type');
  const podConfined = CONFINED_PROFILES.has(String(podType));
  if (podType !== undefined && podType !== null && !podConfined) {
    out.push({
      controlId: 'MOAT-K8S-019',
      path: podScPath(pod, 'seccompProfile', 'type'),
      message: `pod sets seccomp profile ${String(podType)}`,
    });
  }

  for (const c of pod.containers) {
    const type = dig(c.securityContext, 'seccompProfile', 'type');
    const unset = type === undefined || type === null;
    if ((unset && !podConfined) || (!unset && !CONFINED_PROFILES.has(String(type)))) {
      out.push({
        controlId: 'MOAT-K8S-019',
        path: scPath(c, 'seccompProfile', 'type'),
        container: c.name,
        message: unset
          ? `container ${c.name} has no seccomp profile`
          : `container ${c.name} sets seccomp profile ${String(type)}`,
      });
    }
  }

  return out;
};
