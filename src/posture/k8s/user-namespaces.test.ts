// The Pod Security Standards' waivers for pods in their own user namespace (`hostUsers: false`),
// as Kubernetes 1.35 Pod Security admission applies them, against the bank profile that keeps
// every control.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Control } from '../catalog/control.js';
import { loadCatalog } from '../catalog/load.js';
import type { Standard } from '../standards.js';
import { auditManifests, DEFAULT_CDE_LABEL, DEFAULT_SANDBOX_RUNTIMES } from './audit.js';

let catalog: Map<string, Control>;
beforeAll(async () => {
  catalog = await loadCatalog();
});

/** A pod that would meet restricted but for running as root with an unmasked /proc. */
function pod(hostUsers: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: userns, namespace: pay}
spec:
${hostUsers}
  securityContext:
    runAsUser: 0
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: app
      image: registry.bank.example/pay/app@sha256:${'a'.repeat(64)}
      securityContext:
        runAsNonRoot: false
        runAsUser: 0
        procMount: Unmasked
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
`;
}

const ROOT_AND_PROC = ['MOAT-K8S-012', 'MOAT-K8S-017', 'MOAT-K8S-018'];

function judged(text: string, standard: Standard): string[] {
  const report = auditManifests([{ file: 'm.yaml', text }], {
    standard,
    catalog,
    cdeLabel: DEFAULT_CDE_LABEL,
    sandboxRuntimes: DEFAULT_SANDBOX_RUNTIMES,
    allowedRegistries: [],
  });
  const ids = report.findings.map((f) => f.controlId).filter((id) => ROOT_AND_PROC.includes(id));
  return [...new Set(ids)].sort();
}

describe('Pod Security Standards and user-namespaced pods', () => {
  it.each<[string, string, Standard, string[]]>([
    // Baseline waives only the /proc mount type; the others are restricted-level controls.
    ['hostUsers: false', '  hostUsers: false', 'pss-baseline', []],
    ['host users (unset)', '', 'pss-baseline', ['MOAT-K8S-012']],
    ['hostUsers: true', '  hostUsers: true', 'pss-baseline', ['MOAT-K8S-012']],
    // Restricted waives Running as Non-root (user), but still forbids an unmasked /proc.
    ['hostUsers: false', '  hostUsers: false', 'pss-restricted', ['MOAT-K8S-012']],
    ['host users (unset)', '', 'pss-restricted', ROOT_AND_PROC],
    ['hostUsers: true', '  hostUsers: true', 'pss-restricted', ROOT_AND_PROC],
    // The bank profile waives nothing.
    ['hostUsers: false', '  hostUsers: false', 'moat', ROOT_AND_PROC],
  ])('with %s under %s reports %j', (_what, hostUsers, standard, expected) => {
    expect(judged(pod(hostUsers), standard)).toEqual(expected);
  });

  it('does not take a quoted "false" for the boolean', () => {
    expect(judged(pod('  hostUsers: "false"'), 'pss-restricted')).toEqual(ROOT_AND_PROC);
  });
});
