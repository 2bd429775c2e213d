// Deterministic Kubernetes workloads for the posture benchmark: Deployments, StatefulSets and
// CronJobs with init containers, sidecars, probes, volumes and a mix of good and bad settings,
// in block and flow style, written as multi-document files the way `helm template` emits them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const KINDS = ['Deployment', 'StatefulSet', 'CronJob'] as const;

function digest(i: number): string {
  return (i * 2654435761).toString(16).padStart(64, '0');
}

function container(i: number, name: string, pad: string): string {
  const bad = i % 7 === 0;
  const image =
    i % 3 === 0
      ? `registry.bank.example/payments/${name}@sha256:${digest(i)}`
      : `docker.io/library/${name}:${i % 5 === 0 ? 'latest' : `1.${i % 40}.2`}`;
  return [
    `${pad}- name: ${name}`,
    `${pad}  image: ${image}`,
    `${pad}  ports:`,
    `${pad}    - containerPort: ${8000 + (i % 100)}${bad ? `\n${pad}      hostPort: 80` : ''}`,
    `${pad}  env:`,
    `${pad}    - {name: LOG_LEVEL, value: info}`,
    `${pad}    - name: DB_HOST`,
    `${pad}      value: db-${i % 13}.svc.cluster.local`,
    `${pad}  resources:`,
    `${pad}    requests: {cpu: 100m, memory: 128Mi}`,
    i % 4 === 0 ? `${pad}    limits: {cpu: "1"}` : `${pad}    limits: {cpu: 500m, memory: 256Mi}`,
    `${pad}  readinessProbe:`,
    `${pad}    httpGet: {path: /healthz, port: ${8000 + (i % 100)}}`,
    `${pad}  securityContext:`,
    `${pad}    allowPrivilegeEscalation: ${bad}`,
    `${pad}    readOnlyRootFilesystem: ${i % 2 === 0}`,
    `${pad}    capabilities:`,
    `${pad}      drop: [ALL]`,
    bad ? `${pad}      add: [NET_ADMIN, SYS_TIME]` : `${pad}      add: []`,
    ...(i % 11 === 0 ? [`${pad}    privileged: true`] : []),
    `${pad}  volumeMounts:`,
    `${pad}    - {name: data, mountPath: /var/lib/app}`,
  ].join('\n');
}

function podSpec(i: number, pad: string): string {
  const hostPath = i % 9 === 0 ? '/var/run/docker.sock' : undefined;
  return [
    `${pad}metadata:`,
    `${pad}  labels: {app: app-${i}, tier: backend}`,
    ...(i % 10 === 0 ? [`${pad}  annotations:`, `${pad}    moat.dev/owner: team-${i % 50}`] : []),
    `${pad}spec:`,
    `${pad}  serviceAccountName: app-${i % 50}`,
    `${pad}  automountServiceAccountToken: ${i % 3 !== 0}`,
    ...(i % 13 === 0 ? [`${pad}  hostNetwork: true`] : []),
    `${pad}  securityContext:`,
    `${pad}    runAsNonRoot: ${i % 6 !== 0}`,
    `${pad}    runAsUser: ${i % 6 === 0 ? 0 : 10001}`,
    `${pad}    seccompProfile: {type: ${i % 8 === 0 ? 'Unconfined' : 'RuntimeDefault'}}`,
    `${pad}  initContainers:`,
    container(i + 1, 'migrate', `${pad}    `),
    `${pad}  containers:`,
    container(i, 'api', `${pad}    `),
    container(i + 2, 'envoy', `${pad}    `),
    container(i + 3, 'log-shipper', `${pad}    `),
    `${pad}  volumes:`,
    hostPath === undefined
      ? `${pad}    - {name: data, emptyDir: {}}`
      : `${pad}    - name: data\n${pad}      hostPath: {path: ${hostPath}}`,
  ].join('\n');
}

/** The `i`-th workload of the benchmark, one YAML document. */
export function workloadManifest(i: number): string {
  const kind = KINDS[i % KINDS.length];
  const head = [
    kind === 'CronJob' ? 'apiVersion: batch/v1' : 'apiVersion: apps/v1',
    `kind: ${kind}`,
    'metadata:',
    `  name: app-${i}`,
    `  namespace: team-${i % 50}`,
    `  labels: {app: app-${i}${i % 20 === 0 ? ', moat.dev/cardholder-data: "true"' : ''}}`,
    'spec:',
  ];
  if (kind === 'CronJob') {
    return [
      ...head,
      `  schedule: "${i % 60} * * * *"`,
      '  jobTemplate:',
      '    spec:',
      '      template:',
      podSpec(i, '        '),
      '',
    ].join('\n');
  }

  return [
    ...head,
    `  replicas: ${1 + (i % 3)}`,
    ...(kind === 'StatefulSet' ? [`  serviceName: app-${i}`] : []),
    `  selector: {matchLabels: {app: app-${i}}}`,
    '  template:',
    podSpec(i, '    '),
    '',
  ].join('\n');
}

/**
 * Writes `count` workloads under `dir` as files of `perFile` documents each, in a few
 * sub-directories; returns the number of files written. Throws on a write failure.
 */
export async function writeManifestTree(dir: string, count: number, perFile = 50): Promise<number> {
  let files = 0;
  for (let start = 0; start < count; start += perFile) {
    const docs: string[] = [];
    for (let i = start; i < Math.min(count, start + perFile); i += 1) {
      docs.push(workloadManifest(i));
    }

    const sub = join(dir, `team-${files % 10}`);
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `release-${files}.yaml`), `---\n${docs.join('---\n')}`);
    files += 1;
  }

  return files;
}
