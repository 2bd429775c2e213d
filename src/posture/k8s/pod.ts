// The view of one pod that every check reads: pod and container security contexts with their
// field paths, init and ephemeral containers included, and the audit's options.
import { asFields, asList, asString, dig, type Fields } from './fields.js';
import type { FieldPath } from './path.js';
import type { Standard } from '../standards.js';
import type { Workload } from './workloads.js';

export const CONTAINER_GROUPS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

export interface ContainerRef {
  name: string;
  group: (typeof CONTAINER_GROUPS)[number];
  fields: Fields;
  path: FieldPath;
  securityContext: Fields;
}

export interface K8sCheckOptions {
  /** Workloads carrying this label are in scope for cardholder data. */
  cdeLabel: { key: string; value: string };
  /** RuntimeClass names that count as sandboxed (gVisor, Kata Containers). */
  sandboxRuntimes: string[];
  /** Registries (or registry/path prefixes) images may come from; empty = not checked. */
  allowedRegistries: string[];
  /** The standard judged; the PSS levels relax some controls for user-namespaced pods. */
  standard?: Standard;
}

export interface PodContext {
  workload: Workload;
  spec: Fields;
  specPath: FieldPath;
  podSecurityContext: Fields;
  containers: ContainerRef[];
  /** `spec.os.name: windows` exempts Linux-only restricted controls (PSS "Pod OS field"). */
  windows: boolean;
  options: K8sCheckOptions;
}

/** One failed control at one field. */
export interface Violation {
  controlId: string;
  path: FieldPath;
  container?: string;
  message: string;
}

export type Check = (pod: PodContext) => Violation[];

export function buildPodContext(workload: Workload, options: K8sCheckOptions): PodContext {
  const { spec, specPath } = workload;
  const containers: ContainerRef[] = [];
  for (const group of CONTAINER_GROUPS) {
    asList(spec[group]).forEach((item, index) => {
      const fields = asFields(item) ?? {};
      containers.push({
        name: asString(fields.name) ?? `${group}[${index}]`,
        group,
        fields,
        path: [...specPath, group, index],
        securityContext: asFields(fields.securityContext) ?? {},
      });
    });
  }

  return {
    workload,
    spec,
    specPath,
    podSecurityContext: asFields(spec.securityContext) ?? {},
    containers,
    windows: asString(dig(spec, 'os', 'name'))?.toLowerCase() === 'windows',
    options,
  };
}

/**
 * True when the pod runs in its own user namespace (`hostUsers: false`) and is judged under one
 * of `standards`. Pod Security admission (Kubernetes 1.35, where this no longer needs a feature
 * gate) waives Running as Non-root and Running as Non-root user for such pods, and the /proc
 * Mount Type at baseline only (restricted still forbids Unmasked): root in the pod is an
 * unprivileged UID on the node. The `moat` profile never waives them.
 */
export function waivedForUserNamespace(pod: PodContext, standards: Standard[]): boolean {
  return (
    pod.spec.hostUsers === false &&
    pod.options.standard !== undefined &&
    standards.includes(pod.options.standard)
  );
}

/** Path of a container's securityContext field. */
export function scPath(container: ContainerRef, ...keys: (string | number)[]): FieldPath {
  return [...container.path, 'securityContext', ...keys];
}

/** Path of a pod-level securityContext field. */
export function podScPath(pod: PodContext, ...keys: (string | number)[]): FieldPath {
  return [...pod.specPath, 'securityContext', ...keys];
}
