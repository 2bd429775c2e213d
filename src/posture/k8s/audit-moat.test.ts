import { beforeAll, describe, expect, it } from 'vitest';
import type { Control } from '../catalog/control.js';
import { loadCatalog } from '../catalog/load.js';
import { auditManifests, DEFAULT_SANDBOX_RUNTIMES } from './audit.js';

let catalog: Map<string, Control>;
beforeAll(async () => {
  catalog = await loadCatalog();
});

const DIGEST = 'sha256:' + 'a'.repeat(64);

/** A Deployment that meets the whole bank profile. */
const BANK_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: ledger, namespace: cde}
spec:
  template:
    metadata:
      labels: {pci.bank.example/scope: cde}
    spec:
      runtimeClassName: gvisor
      hostUsers: false
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: ledger
          image: registry.bank.example/cde/ledger:2.4@${DIGEST}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
`;

function audit(text: string, allowedRegistries = ['registry.bank.example']) {
  return auditManifests([{ file: 'app.yaml', text }], {
    standard: 'moat',
    catalog,
    cdeLabel: { key: 'pci.bank.example/scope', value: 'cde' },
    sandboxRuntimes: DEFAULT_SANDBOX_RUNTIMES,
    allowedRegistries,
  });
}

function ids(text: string, allowed?: string[]): string[] {
  return [...new Set(audit(text, allowed).findings.map((f) => f.controlId))].sort();
}

describe('the moat profile', () => {
  it('passes a fully hardened cardholder-data Deployment', () => {
    const report = audit(BANK_DEPLOYMENT);
    expect(report.findings).toEqual([]);
    expect(report.subjects).toBe(1);
  });

  it.each([
    ['the default runtime', 'runtimeClassName: gvisor', 'runtimeClassName: runc', ['MOAT-K8S-038']],
    ['a tag instead of a digest', `:2.4@${DIGEST}`, ':2.4', ['MOAT-K8S-040']],
    ['the latest tag', `:2.4@${DIGEST}`, ':latest', ['MOAT-K8S-040', 'MOAT-K8S-042']],
    ['another registry', 'registry.bank.example/cde', 'docker.io/cde', ['MOAT-K8S-041']],
    [
      'a mounted token',
      'automountServiceAccountToken: false',
      'serviceAccountName: x',
      ['MOAT-K8S-039'],
    ],
    ['host users', 'hostUsers: false', 'hostUsers: true', ['MOAT-K8S-037']],
    [
      'a writable root',
      'readOnlyRootFilesystem: true',
      'readOnlyRootFilesystem: false',
      ['MOAT-K8S-030'],
    ],
    [
      'no limits',
      'limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}',
      'limits: {}',
      ['MOAT-K8S-031', 'MOAT-K8S-032', 'MOAT-K8S-035'],
    ],
    [
      'no requests',
      'requests: {cpu: 100m, memory: 128Mi}',
      'requests: {}',
      ['MOAT-K8S-033', 'MOAT-K8S-034'],
    ],
    ['a low UID', 'runAsUser: 10001', 'runAsUser: 1000', ['MOAT-K8S-044']],
    [
      'a shared process namespace',
      'hostUsers: false',
      'hostUsers: false\n      shareProcessNamespace: true',
      ['MOAT-K8S-036'],
    ],
  ])('fails on %s', (_name, from, to, expected) => {
    expect(ids(BANK_DEPLOYMENT.replace(from, to))).toEqual(expected);
  });

  it('asks for a sandbox only for workloads labelled as cardholder data', () => {
    const unlabelled = BANK_DEPLOYMENT.replace('pci.bank.example/scope: cde', 'app: ledger');
    expect(ids(unlabelled.replace('runtimeClassName: gvisor', 'runtimeClassName: runc'))).toEqual(
      [],
    );
  });

  it.each([
    ['/var/run/docker.sock', true],
    ['/run/containerd/containerd.sock', true],
    ['/var/run/crio/crio.sock', true],
    ['/', true],
    ['/proc', true],
    ['/sys/fs/cgroup', true],
    ['/etc/', true],
    ['/data/app', false],
  ])('flags hostPath %s as sensitive: %s', (path, sensitive) => {
    const text = `${BANK_DEPLOYMENT}      volumes: [{name: h, hostPath: {path: "${path}"}}]\n`;
    const found = ids(text);
    expect(found).toContain('MOAT-K8S-007');
    expect(found.includes('MOAT-K8S-043')).toBe(sensitive);
  });

  it('notes that registries were not judged when none are allowed', () => {
    const report = audit(BANK_DEPLOYMENT, []);
    expect(report.findings).toEqual([]);
    expect(report.notes).toContainEqual(
      expect.objectContaining({ message: expect.stringMatching(/MOAT-K8S-041 not judged/) }),
    );
  });
});

describe('inputs that are not plain workloads', () => {
  it('unwraps List objects and keeps paths into items', () => {
    const list = `apiVersion: v1
kind: List
items:
  - kind: Pod
    metadata: {name: a}
    spec: {hostPID: true, containers: []}
`;
    const [finding] = audit(list).findings.filter((f) => f.controlId === 'MOAT-K8S-002');
    expect(finding).toMatchObject({
      path: 'items[0].spec.hostPID',
      line: 6,
      subject: { kind: 'Pod', name: 'a' },
    });
  });

  it('ignores unknown kinds and CRDs with a note', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {template: {spec: {hostPID: true}}}
`;
    const report = audit(text);
    expect(report.findings).toEqual([]);
    expect(report.subjects).toBe(0);
    expect(report.notes.map((n) => [n.level, n.line, n.message])).toEqual([
      ['info', 1, 'ConfigMap/c is not a workload kind; not judged'],
      ['info', 5, 'Widget/w is not a workload kind; not judged'],
    ]);
  });

  it.each([
    ['no kind', 'metadata: {name: x}\n', /no kind/],
    ['a scalar document', '"just a string"\n', /not a Kubernetes object/],
    ['no pod spec', 'kind: Deployment\nmetadata: {name: d}\nspec: {}\n', /has no pod spec/],
  ])('skips a document with %s and says why', (_name, text, message) => {
    const report = audit(text);
    expect(report.findings).toEqual([]);
    expect(report.notes[report.notes.length - 1]).toMatchObject({
      level: 'warning',
      message: expect.stringMatching(message),
    });
  });

  it('judges wrong-typed fields as unset instead of crashing', () => {
    const text = `kind: Pod
metadata: {name: odd}
spec:
  containers: "not a list"
  initContainers: [42, {name: x, securityContext: "nope", resources: 7}]
  volumes: {not: a list}
  securityContext: [1, 2]
`;
    const report = audit(text);
    expect(report.subjects).toBe(1);
    expect(report.findings.some((f) => f.controlId === 'MOAT-K8S-019')).toBe(true);
  });
});
