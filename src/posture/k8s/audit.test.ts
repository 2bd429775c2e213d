import { beforeAll, describe, expect, it } from 'vitest';
import type { Control } from '../catalog/control.js';
import { loadCatalog } from '../catalog/load.js';
import { workloadManifest } from '../../bench/posture-manifests.js';
import { sortFindings } from '../finding.js';
import type { Standard } from '../standards.js';
import { auditManifests, DEFAULT_CDE_LABEL, DEFAULT_SANDBOX_RUNTIMES } from './audit.js';

let catalog: Map<string, Control>;
beforeAll(async () => {
  catalog = await loadCatalog();
});

function audit(
  text: string,
  standard: Standard = 'pss-restricted',
  allowedRegistries: string[] = [],
) {
  return auditManifests([{ file: 'm.yaml', text }], {
    standard,
    catalog,
    cdeLabel: DEFAULT_CDE_LABEL,
    sandboxRuntimes: DEFAULT_SANDBOX_RUNTIMES,
    allowedRegistries,
  });
}

function ids(text: string, standard: Standard = 'pss-restricted'): string[] {
  return [...new Set(audit(text, standard).findings.map((f) => f.controlId))].sort();
}

/** A pod that meets PSS restricted; cases below change one thing. */
const RESTRICTED_POD = `apiVersion: v1
kind: Pod
metadata: {name: ok, namespace: pay}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: app
      image: registry.bank.example/pay/app:1.0
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
`;

describe('auditManifests against the Pod Security Standards', () => {
  it('passes a pod that meets restricted', () => {
    expect(audit(RESTRICTED_POD).findings).toEqual([]);
  });

  it('reports a privileged Deployment container with its exact path, line and fix', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          securityContext:
            privileged: true
`;
    const [finding] = audit(text, 'pss-baseline').findings;
    expect(finding).toEqual({
      controlId: 'MOAT-K8S-001',
      severity: 'critical',
      title: 'Privileged containers',
      subject: { kind: 'Deployment', name: 'web', namespace: 'shop' },
      container: 'nginx',
      path: 'spec.template.spec.containers[0].securityContext.privileged',
      file: 'm.yaml',
      line: 11,
      message: 'container nginx is privileged',
      fix: expect.stringContaining('securityContext.privileged') as string,
    });
  });

  it.each([
    ['hostPID', 'spec:\n  hostPID: true\n', 'MOAT-K8S-002'],
    ['hostIPC', 'spec:\n  hostIPC: true\n', 'MOAT-K8S-003'],
    ['hostNetwork', 'spec:\n  hostNetwork: true\n', 'MOAT-K8S-004'],
  ])('fails baseline for %s', (_name, patch, id) => {
    expect(ids(RESTRICTED_POD.replace('spec:\n', patch), 'pss-baseline')).toEqual([id]);
  });

  it.each([
    [
      'SYS_ADMIN added',
      'drop: [ALL]',
      'drop: [ALL], add: [SYS_ADMIN]',
      ['MOAT-K8S-006', 'MOAT-K8S-021'],
    ],
    [
      'CHOWN added (baseline allows it)',
      'drop: [ALL]',
      'drop: [ALL], add: [CHOWN]',
      ['MOAT-K8S-021'],
    ],
    ['NET_BIND_SERVICE added', 'drop: [ALL]', 'drop: [ALL], add: [NET_BIND_SERVICE]', []],
    ['NET_RAW kept', 'drop: [ALL]', 'drop: [NET_RAW]', ['MOAT-K8S-020']],
    [
      'escalation allowed',
      'allowPrivilegeEscalation: false',
      'allowPrivilegeEscalation: true',
      ['MOAT-K8S-016'],
    ],
    [
      'escalation unset',
      'allowPrivilegeEscalation: false',
      'readOnlyRootFilesystem: true',
      ['MOAT-K8S-016'],
    ],
    [
      'container runAsNonRoot false',
      'allowPrivilegeEscalation: false',
      'allowPrivilegeEscalation: false\n        runAsNonRoot: false',
      ['MOAT-K8S-017'],
    ],
    ['pod runAsNonRoot unset', 'runAsNonRoot: true', 'runAsGroup: 1000', ['MOAT-K8S-017']],
    ['runAsUser 0', 'runAsNonRoot: true', 'runAsNonRoot: true\n    runAsUser: 0', ['MOAT-K8S-018']],
    [
      'pod seccomp Unconfined',
      'type: RuntimeDefault',
      'type: Unconfined',
      ['MOAT-K8S-013', 'MOAT-K8S-019'],
    ],
    [
      'pod seccomp unset',
      'seccompProfile: {type: RuntimeDefault}',
      'fsGroup: 2000',
      ['MOAT-K8S-019'],
    ],
    ['Localhost seccomp', 'type: RuntimeDefault', 'type: Localhost, localhostProfile: p.json', []],
    [
      'unmasked /proc',
      'allowPrivilegeEscalation: false',
      'allowPrivilegeEscalation: false\n        procMount: Unmasked',
      ['MOAT-K8S-012'],
    ],
    [
      'unsafe sysctl',
      'runAsNonRoot: true',
      'runAsNonRoot: true\n    sysctls: [{name: kernel.msgmax, value: "1"}]',
      ['MOAT-K8S-014'],
    ],
    [
      'safe sysctl',
      'runAsNonRoot: true',
      'runAsNonRoot: true\n    sysctls: [{name: net.ipv4.tcp_keepalive_time, value: "60"}]',
      [],
    ],
    [
      'SELinux spc_t',
      'runAsNonRoot: true',
      'runAsNonRoot: true\n    seLinuxOptions: {type: spc_t}',
      ['MOAT-K8S-011'],
    ],
    [
      'SELinux container_t and level',
      'runAsNonRoot: true',
      'runAsNonRoot: true\n    seLinuxOptions: {type: container_t, level: "s0:c1,c2"}',
      [],
    ],
    [
      'SELinux user',
      'runAsNonRoot: true',
      'runAsNonRoot: true\n    seLinuxOptions: {user: sysadm_u}',
      ['MOAT-K8S-011'],
    ],
    [
      'AppArmor Unconfined',
      'runAsNonRoot: true',
      'runAsNonRoot: true\n    appArmorProfile: {type: Unconfined}',
      ['MOAT-K8S-010'],
    ],
    [
      'host port',
      'image: registry',
      'ports: [{containerPort: 80, hostPort: 8080}]\n      image: registry',
      ['MOAT-K8S-008'],
    ],
    [
      'probe host',
      'image: registry',
      'livenessProbe: {httpGet: {host: 10.0.0.1, port: 80}}\n      image: registry',
      ['MOAT-K8S-009'],
    ],
    [
      'windows hostProcess',
      'runAsNonRoot: true',
      'runAsNonRoot: true\n    windowsOptions: {hostProcess: true}',
      ['MOAT-K8S-005'],
    ],
  ])('judges %s', (_name, from, to, expected) => {
    expect(ids(RESTRICTED_POD.replace(from, to))).toEqual(expected);
  });

  it.each([
    ['nfs', 'nfs: {server: nfs.example, path: /x}', ['MOAT-K8S-015']],
    ['hostPath', 'hostPath: {path: /data}', ['MOAT-K8S-007', 'MOAT-K8S-015']],
    ['emptyDir', 'emptyDir: {}', []],
    ['projected', 'projected: {sources: []}', []],
  ])('judges a %s volume', (_name, source, expected) => {
    const text = `${RESTRICTED_POD}  volumes:\n    - name: v\n      ${source}\n`;
    expect(ids(text)).toEqual(expected);
  });

  it('accepts seccomp set on every container instead of the pod', () => {
    const text = RESTRICTED_POD.replace(
      'seccompProfile: {type: RuntimeDefault}',
      'fsGroup: 1',
    ).replace(
      'allowPrivilegeEscalation: false',
      'allowPrivilegeEscalation: false\n        seccompProfile: {type: RuntimeDefault}',
    );
    expect(ids(text)).toEqual([]);
  });

  it('reads an AppArmor annotation from the pod template metadata', () => {
    const text = RESTRICTED_POD.replace(
      'namespace: pay}',
      'namespace: pay, annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}}',
    );
    const [finding] = audit(text).findings;
    expect(finding?.path).toBe(
      'metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]',
    );
    expect(finding?.line).toBe(3);
  });

  it('exempts Windows pods from the Linux-only restricted controls but not the others', () => {
    const text = `kind: Pod
metadata: {name: win}
spec:
  os: {name: windows}
  containers: [{name: app, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022"}]
`;
    expect(ids(text)).toEqual(['MOAT-K8S-017']);
  });

  it('judges init and ephemeral containers and CronJob templates', () => {
    const text = `kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers: [{name: init, image: busybox:1.36, securityContext: {privileged: true}}]
          containers: [{name: main, image: busybox:1.36}]
          ephemeralContainers: [{name: debug, image: busybox:1.36, securityContext: {privileged: true}}]
`;
    const paths = audit(text, 'pss-baseline').findings.map((f) => f.path);
    expect(paths).toEqual([
      'spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.privileged',
      'spec.jobTemplate.spec.template.spec.ephemeralContainers[0].securityContext.privileged',
    ]);
  });
});

describe('auditManifests over many inputs', () => {
  it('orders findings as sortFindings does, also for a file read twice', () => {
    const docs = (from: number): string =>
      [0, 1, 2].map((i) => workloadManifest(from + i)).join('---\n');
    const inputs = [
      { file: 'z/last.yaml', text: docs(0) },
      { file: 'a/first.yaml', text: docs(3) },
      { file: 'm/twice.yaml', text: docs(6) },
      { file: 'b/pod.yaml', text: RESTRICTED_POD.replace('runAsNonRoot: true', 'hostPID: true') },
      { file: 'm/twice.yaml', text: docs(9) },
    ];
    const report = auditManifests(inputs, {
      standard: 'moat',
      catalog,
      cdeLabel: DEFAULT_CDE_LABEL,
      sandboxRuntimes: DEFAULT_SANDBOX_RUNTIMES,
      allowedRegistries: ['registry.bank.example'],
    });
    expect(report.findings.length).toBeGreaterThan(100);
    expect(new Set(report.findings.map((f) => f.file)).size).toBe(4);
    expect(report.findings).toEqual(sortFindings(report.findings));
  });
});
