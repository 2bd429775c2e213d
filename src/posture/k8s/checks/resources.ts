// cgroup limits and requests per container. Ephemeral containers cannot set resources (the API
// forbids it), so only regular and init containers are judged.
import { dig } from '../fields.js';
import type { Check } from '../pod.js';

function resource(controlId: string, kind: 'limits' | 'requests', name: string): Check {
  return (pod) =>
    pod.containers
      .filter((c) => c.group !== 'ephemeralContainers')
      .filter((c) => {
        const value = dig(c.fields, 'resources', kind, name);
        return value === undefined || value === null || value === '';
      })
      .map((c) => ({
        controlId,
        path: [...c.path, 'resources', kind, name],
        container: c.name,
        message: `container ${c.name} sets no resources.${kind}.${name}`,
      }));
}

export const memoryLimit = resource('MOAT-K8S-031', 'limits', 'memory');
export const cpuLimit = resource('MOAT-K8S-032', 'limits', 'cpu');
export const memoryRequest = resource('MOAT-K8S-033', 'requests', 'memory');
export const cpuRequest = resource('MOAT-K8S-034', 'requests', 'cpu');
export const ephemeralStorageLimit = resource('MOAT-K8S-035', 'limits', 'ephemeral-storage');
