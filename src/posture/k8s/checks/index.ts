// Every Kubernetes check, keyed by the catalog control it implements. The catalog test asserts
// that this table and data/controls/kubernetes.yaml name the same controls.
import type { Check } from '../pod.js';
import { baselineCapabilities, dropAll, restrictedAdd } from './capabilities.js';
import { hostIpc, hostNetwork, hostPid, hostProcess, privileged, sysctls } from './host-access.js';
import { allowedRegistry, digestPinned, mutableTag } from './images.js';
import {
  readOnlyRoot,
  sandboxedRuntime,
  serviceAccountToken,
  sharedProcessNamespace,
  userNamespace,
} from './isolation.js';
import { appArmor, procMount, seccompNotUnconfined, seccompRequired, seLinux } from './lsm.js';
import { hostPorts, probeHosts } from './ports-probes.js';
import {
  cpuLimit,
  cpuRequest,
  ephemeralStorageLimit,
  memoryLimit,
  memoryRequest,
} from './resources.js';
import { highUid, privilegeEscalation, runAsNonRoot, runAsRootUid } from './users.js';
import { hostPathVolumes, sensitiveHostPaths, volumeTypes } from './volumes.js';

export const K8S_CHECKS: ReadonlyMap<string, Check> = new Map([
  ['MOAT-K8S-001', privileged],
  ['MOAT-K8S-002', hostPid],
  ['MOAT-K8S-003', hostIpc],
  ['MOAT-K8S-004', hostNetwork],
  ['MOAT-K8S-005', hostProcess],
  ['MOAT-K8S-006', baselineCapabilities],
  ['MOAT-K8S-007', hostPathVolumes],
  ['MOAT-K8S-008', hostPorts],
  ['MOAT-K8S-009', probeHosts],
  ['MOAT-K8S-010', appArmor],
  ['MOAT-K8S-011', seLinux],
  ['MOAT-K8S-012', procMount],
  ['MOAT-K8S-013', seccompNotUnconfined],
  ['MOAT-K8S-014', sysctls],
  ['MOAT-K8S-015', volumeTypes],
  ['MOAT-K8S-016', privilegeEscalation],
  ['MOAT-K8S-017', runAsNonRoot],
  ['MOAT-K8S-018', runAsRootUid],
  ['MOAT-K8S-019', seccompRequired],
  ['MOAT-K8S-020', dropAll],
  ['MOAT-K8S-021', restrictedAdd],
  ['MOAT-K8S-030', readOnlyRoot],
  ['MOAT-K8S-031', memoryLimit],
  ['MOAT-K8S-032', cpuLimit],
  ['MOAT-K8S-033', memoryRequest],
  ['MOAT-K8S-034', cpuRequest],
  ['MOAT-K8S-035', ephemeralStorageLimit],
  ['MOAT-K8S-036', sharedProcessNamespace],
  ['MOAT-K8S-037', userNamespace],
  ['MOAT-K8S-038', sandboxedRuntime],
  ['MOAT-K8S-039', serviceAccountToken],
  ['MOAT-K8S-040', digestPinned],
  ['MOAT-K8S-041', allowedRegistry],
  ['MOAT-K8S-042', mutableTag],
  ['MOAT-K8S-043', sensitiveHostPaths],
  ['MOAT-K8S-044', highUid],
]);
