// Benchmarks for the posture audits: 10,000 workload manifests (target 5 s) and a host with 50
// running containers (target 2 s). The host is a synthetic /proc and cgroup tree shaped like a
// podman host's, so the bench measures Moat's own work, not container start-up.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadCatalog } from './catalog/load.js';
import { auditHost } from './host/audit.js';
import { collectHost } from './host/collect.js';
import { fsHostReader } from './host/reader.js';
import { auditManifests, DEFAULT_CDE_LABEL, DEFAULT_SANDBOX_RUNTIMES } from './k8s/audit.js';
import type { InputFile } from './inputs.js';

export interface PostureBenchResult {
  manifests: { workloads: number; findings: number; ms: number; targetMs: number };
  host: { containers: number; findings: number; ms: number; targetMs: number };
}

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: team-${i % 50}}
spec:
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: web
          image: registry.example/app:${i}
          resources: {limits: {cpu: 500m, memory: 256Mi}}
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        - name: sidecar
          image: envoy:latest
          securityContext: {privileged: ${i % 7 === 0}}
`;
}

/** `count` Deployments in files of 100 documents each. */
export function syntheticManifests(count: number): InputFile[] {
  const files: InputFile[] = [];
  for (let start = 0; start < count; start += 100) {
    const docs = [];
    for (let i = start; i < Math.min(count, start + 100); i++) {
      docs.push(deployment(i));
    }

    files.push({ file: `bench/${start / 100}.yaml`, text: docs.join('---\n') });
  }

  return files;
}

async function put(root: string, path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

/** A podman-like host under `root` with `count` runc containers and their cgroups. */
export async function syntheticHost(root: string, count: number): Promise<void> {
  await put(
    root,
    '/proc/1/status',
    'Uid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n',
  );
  for (const ns of ['pid', 'ipc', 'net', 'uts', 'cgroup', 'user', 'mnt']) {
    await mkdir(join(root, 'proc/1/ns'), { recursive: true });
    await symlink(`${ns}:[40265318${ns.length}0]`, join(root, 'proc/1/ns', ns));
  }

  for (let i = 0; i < count; i++) {
    const pid = 10_000 + i;
    const id = i.toString(16).padStart(64, 'c');
    const cg = `/libpod_parent/libpod-${id}`;
    await put(
      root,
      `/run/runc/${id}/state.json`,
      JSON.stringify({ id, init_process_pid: pid, config: { labels: [] } }),
    );
    await put(
      root,
      `/proc/${pid}/status`,
      `Uid:\t${i % 2 === 0 ? 0 : 1000}\t0\t0\t0\nCapEff:\t00000000a80425fb\n` +
        `CapBnd:\t00000000a80425fb\nNoNewPrivs:\t${i % 2}\nSeccomp:\t2\n`,
    );
    await put(root, `/proc/${pid}/uid_map`, '         0          0 4294967295\n');
    await put(
      root,
      `/proc/${pid}/mountinfo`,
      '76 51 0:41 / / rw,relatime - overlay overlay rw\n' +
        '82 76 254:0 /var/run/docker.sock /var/run/docker.sock rw - ext4 /dev/vda rw\n',
    );
    await put(root, `/proc/${pid}/cgroup`, `8:pids:${cg}\n4:memory:${cg}\n1:cpu:${cg}\n0::${cg}\n`);
    await put(root, `/sys/fs/cgroup/memory${cg}/memory.limit_in_bytes`, '67108864\n');
    await put(root, `/sys/fs/cgroup/cpu${cg}/cpu.cfs_quota_us`, '-1\n');
    await put(root, `/sys/fs/cgroup/pids${cg}/pids.max`, 'max\n');
    for (const ns of ['pid', 'ipc', 'net', 'uts', 'cgroup', 'user', 'mnt']) {
      await mkdir(join(root, `proc/${pid}/ns`), { recursive: true });
      await symlink(`${ns}:[5${i}]`, join(root, `proc/${pid}/ns`, ns));
    }
  }
}

/** Runs both benchmarks; `hostRoot` must be an empty directory for the synthetic host. */
export async function runPostureBench(
  hostRoot: string,
  workloads = 10_000,
  containers = 50,
): Promise<PostureBenchResult> {
  const catalog = await loadCatalog();
  const inputs = syntheticManifests(workloads);
  let start = performance.now();
  const k8s = auditManifests(inputs, {
    standard: 'moat',
    catalog,
    cdeLabel: DEFAULT_CDE_LABEL,
    sandboxRuntimes: DEFAULT_SANDBOX_RUNTIMES,
    allowedRegistries: ['registry.example'],
  });
  const manifestsMs = performance.now() - start;

  await syntheticHost(hostRoot, containers);
  start = performance.now();
  const snapshot = await collectHost({
    reader: fsHostReader(hostRoot),
    run: async () => ({ code: 1, stdout: '', stderr: 'not used' }),
    only: [],
  });
  const host = auditHost(
    snapshot.observations,
    snapshot.reference,
    {
      standard: 'moat',
      catalog,
      cdeLabel: DEFAULT_CDE_LABEL,
      sandboxRuntimes: DEFAULT_SANDBOX_RUNTIMES,
    },
    snapshot.notes,
  );
  const hostMs = performance.now() - start;
  return {
    manifests: {
      workloads: k8s.subjects,
      findings: k8s.findings.length,
      ms: Math.round(manifestsMs),
      targetMs: 5000,
    },
    host: {
      containers: host.subjects,
      findings: host.findings.length,
      ms: Math.round(hostMs),
      targetMs: 2000,
    },
  };
}
