// Volumes: hostPath (baseline), the restricted volume types, and sensitive host paths.
import { posix } from 'node:path';
import { asFields, asList, asString } from '../fields.js';
import type { Check, Violation } from '../pod.js';

const RESTRICTED_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

function volumes(
  pod: Parameters<Check>[0],
): { name: string; fields: Record<string, unknown>; index: number }[] {
  return asList(pod.spec.volumes).map((item, index) => {
    const fields = asFields(item) ?? {};
    return { name: asString(fields.name) ?? `volumes[${index}]`, fields, index };
  });
}

export const hostPathVolumes: Check = (pod) =>
  volumes(pod)
    .filter((v) => v.fields.hostPath !== undefined && v.fields.hostPath !== null)
    .map((v) => ({
      controlId: 'MOAT-K8S-007',
      path: [...pod.specPath, 'volumes', v.index, 'hostPath'],
      message: `volume ${v.name} is a hostPath volume`,
    }));

export const volumeTypes: Check = (pod) => {
  const out: Violation[] = [];
  for (const v of volumes(pod)) {
    for (const [key, value] of Object.entries(v.fields)) {
      if (key !== 'name' && value !== null && value !== undefined && !RESTRICTED_TYPES.has(key)) {
        out.push({
          controlId: 'MOAT-K8S-015',
          path: [...pod.specPath, 'volumes', v.index, key],
          message: `volume ${v.name} has type ${key}, not allowed by the restricted profile`,
        });
      }
    }
  }

  return out;
};

/** Host paths that hand over the node: runtime sockets and state, and system directories. */
const SENSITIVE_EXACT = new Set([
  '/',
  '/var/run',
  '/run',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/kubelet',
  '/var/lib/containers',
  '/run/containerd',
  '/var/run/containerd',
  '/var/run/crio',
  '/run/crio',
  '/run/podman',
  '/var/run/docker',
  '/etc/kubernetes',
]);
const SENSITIVE_TREES = ['/proc', '/sys', '/etc', '/root', '/boot', '/dev', '/var/lib/kubelet'];
const RUNTIME_SOCKETS = new Set([
  'docker.sock',
  'containerd.sock',
  'crio.sock',
  'podman.sock',
  'cri-dockerd.sock',
  'dockershim.sock',
]);

/** True when mounting `hostPath` into a container gives it control of the host. */
export function isSensitiveHostPath(hostPath: string): boolean {
  const normal = posix
    .normalize(hostPath.startsWith('/') ? hostPath : `/${hostPath}`)
    .replace(/(.)\/+$/, '$1');
  if (SENSITIVE_EXACT.has(normal) || RUNTIME_SOCKETS.has(posix.basename(normal))) {
    return true;
  }

  return SENSITIVE_TREES.some((tree) => normal === tree || normal.startsWith(`${tree}/`));
}

export const sensitiveHostPaths: Check = (pod) =>
  volumes(pod).flatMap((v) => {
    const hostPath = asString(asFields(v.fields.hostPath)?.path);
    if (hostPath === undefined || !isSensitiveHostPath(hostPath)) {
      return [];
    }

    return [
      {
        controlId: 'MOAT-K8S-043',
        path: [...pod.specPath, 'volumes', v.index, 'hostPath', 'path'],
        message: `volume ${v.name} mounts the host's ${hostPath}`,
      },
    ];
  });
