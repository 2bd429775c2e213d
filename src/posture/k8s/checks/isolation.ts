// The bank profile's isolation controls beyond PSS: read-only root, shared process namespace,
// user namespaces, sandboxed runtimes for cardholder data, service account tokens.
import { asString } from '../fields.js';
import { scPath, type Check } from '../pod.js';

export const readOnlyRoot: Check = (pod) =>
  pod.containers
    .filter((c) => c.securityContext.readOnlyRootFilesystem !== true)
    .map((c) => ({
      controlId: 'MOAT-K8S-030',
      path: scPath(c, 'readOnlyRootFilesystem'),
      container: c.name,
      message: `container ${c.name} has a writable root filesystem`,
    }));

export const sharedProcessNamespace: Check = (pod) =>
  pod.spec.shareProcessNamespace === true
    ? [
        {
          controlId: 'MOAT-K8S-036',
          path: [...pod.specPath, 'shareProcessNamespace'],
          message: 'pod shares one process namespace between its containers',
        },
      ]
    : [];

export const userNamespace: Check = (pod) =>
  pod.windows || pod.spec.hostUsers === false
    ? []
    : [
        {
          controlId: 'MOAT-K8S-037',
          path: [...pod.specPath, 'hostUsers'],
          message: 'pod runs in the host user namespace',
        },
      ];

export const sandboxedRuntime: Check = (pod) => {
  const { cdeLabel, sandboxRuntimes } = pod.options;
  if (pod.workload.labels[cdeLabel.key] !== cdeLabel.value) {
    return [];
  }

  const runtime = asString(pod.spec.runtimeClassName);
  if (runtime !== undefined && sandboxRuntimes.includes(runtime)) {
    return [];
  }

  return [
    {
      controlId: 'MOAT-K8S-038',
      path: [...pod.specPath, 'runtimeClassName'],
      message:
        `workload labelled ${cdeLabel.key}=${cdeLabel.value} runs with runtime class ` +
        `${runtime ?? '(default)'}, not a sandbox`,
    },
  ];
};

export const serviceAccountToken: Check = (pod) =>
  pod.spec.automountServiceAccountToken === false
    ? []
    : [
        {
          controlId: 'MOAT-K8S-039',
          path: [...pod.specPath, 'automountServiceAccountToken'],
          message: 'pod mounts its service account token automatically',
        },
      ];
