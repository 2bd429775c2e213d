// Starts a private containerd (its own root, state and socket), imports a real busybox image
// with `ctr images import` and runs a locked-down container (CRI-annotated, pinned by digest, in
// a user namespace) and a privileged one with `ctr run`, then asserts the host audit finds both
// as containerd containers with the exact findings.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Control } from '../catalog/control.js';
import { loadCatalog } from '../catalog/load.js';
import { DEFAULT_COMPOSE_CDE_LABEL, DEFAULT_OCI_SANDBOXES } from '../compose/audit.js';
import type { AuditReport } from '../finding.js';
import { runMoat } from '../testing/cli.js';
import { BUSYBOX_IMAGE_NEEDS, busyboxImage } from '../../testing/fixtures.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { auditHost } from './audit.js';
import { collectHost, runCommand } from './collect.js';
import { fsHostReader } from './reader.js';

const needs = skipReason('host audit against real containerd containers', {
  root: true,
  tools: [...BUSYBOX_IMAGE_NEEDS.tools, 'containerd', 'ctr', 'containerd-shim-runc-v2', 'skopeo'],
});

const NS = `moat-it-${process.pid}`;
const REF = 'localhost/moat-bb:1';
const PIDS_V1 = '/sys/fs/cgroup/pids';
// The default capabilities ctr grants; ctr 1.6 has no `--cap-drop ALL`.
const DEFAULT_CAPS = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SYS_CHROOT',
  'MKNOD',
  'AUDIT_WRITE',
  'SETFCAP',
];

let dir: string;
let cleanup: () => Promise<void>;
let daemon: ChildProcess | undefined;
let started: string | undefined;
let digest: string;
let catalog: Map<string, Control>;
let address: string;
let state: string;

function ctr(args: string[]): string {
  const result = spawnSync('ctr', ['--address', address, '-n', NS, ...args], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`ctr ${args.join(' ')} failed: ${result.stderr}`);
  }

  return result.stdout;
}

beforeAll(async () => {
  if (needs !== undefined) {
    return;
  }

  ({ dir, cleanup } = await makeTempDir('containerd'));
  // The user-namespaced container's root (UID 100000 on the host) must reach its bundle.
  await chmod(dir, 0o711);
  address = join(dir, 'containerd.sock');
  state = join(dir, 'state');
  await writeFile(
    join(dir, 'config.toml'),
    [
      'version = 2',
      `root = "${join(dir, 'root')}"`,
      `state = "${state}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${address}"`,
      '[ttrpc]',
      `  address = "${address}.ttrpc"`,
      '',
    ].join('\n'),
  );
  daemon = spawn('containerd', ['--config', join(dir, 'config.toml')], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(address); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  if (!existsSync(address)) {
    started = 'containerd did not open its socket within 10 s';
    console.log(`skipping containerd host audit: ${started}`);
    return;
  }

  const image = await busyboxImage();
  const archive = join(dir, 'bb.tar');
  const copy = spawnSync('skopeo', ['copy', image.reference, `docker-archive:${archive}:${REF}`]);
  expect(copy.status, String(copy.stderr)).toBe(0);
  ctr(['images', 'import', archive]);
  digest = ctr(['images', 'ls'])
    .split('\n')
    .find((l) => l.startsWith(`${REF} `))
    ?.split(/\s+/)[2] as string;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  const pinned = `localhost/moat-bb@${digest}`;
  ctr(['images', 'tag', REF, pinned]);
  // ctr 1.6 sets no pids limit: the container joins a pids cgroup made with one.
  if (existsSync(PIDS_V1)) {
    await mkdir(join(PIDS_V1, NS, 'good'), { recursive: true });
    await writeFile(join(PIDS_V1, NS, 'good', 'pids.max'), '100');
  }

  const cri = 'io.kubernetes.cri.';
  ctr([
    'run',
    '-d',
    '--null-io',
    '--seccomp',
    '--read-only',
    '--memory-limit',
    String(64 * 1024 * 1024),
    '--cpus',
    '0.5',
    '--cgroup',
    `/${NS}/good`,
    ...DEFAULT_CAPS.flatMap((c) => ['--cap-drop', `CAP_${c}`]),
    '--uidmap',
    '0:100000:65536',
    '--gidmap',
    '0:100000:65536',
    '--annotation',
    `${cri}container-type=container`,
    '--annotation',
    `${cri}container-name=api`,
    '--annotation',
    `${cri}sandbox-name=payments-0`,
    '--annotation',
    `${cri}sandbox-namespace=payments`,
    '--annotation',
    `${cri}image-name=${pinned}`,
    pinned,
    'good',
    'sleep',
    '600',
  ]);
  ctr(['run', '-d', '--null-io', '--privileged', REF, 'bad', 'sleep', '600']);
  catalog = await loadCatalog();
}, 300_000);

afterAll(async () => {
  if (needs !== undefined) {
    return;
  }

  for (const id of ['good', 'bad']) {
    spawnSync('ctr', ['--address', address, '-n', NS, 'tasks', 'kill', '-s', 'KILL', id]);
  }

  for (const id of ['good', 'bad']) {
    for (let i = 0; i < 50; i++) {
      const rm = spawnSync('ctr', ['--address', address, '-n', NS, 'tasks', 'rm', id]);
      if (rm.status === 0 || String(rm.stderr).includes('not found')) {
        break;
      }

      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    spawnSync('ctr', ['--address', address, '-n', NS, 'containers', 'rm', id]);
  }

  if (daemon?.pid !== undefined && daemon.exitCode === null && daemon.signalCode === null) {
    const exited = new Promise((resolve) => daemon?.once('exit', resolve));
    process.kill(daemon.pid, 'SIGTERM');
    await exited;
  }

  // containerd's runc places tasks under /<namespace>/<id> in every controller.
  for (const controller of await readdir('/sys/fs/cgroup').catch(() => [])) {
    for (const path of [`${NS}/good`, `${NS}/bad`, NS]) {
      await rmdir(join('/sys/fs/cgroup', controller, path)).catch(() => undefined);
    }
  }

  await cleanup();
});

async function audit(names: string[], address?: string): Promise<AuditReport> {
  const snapshot = await collectHost({
    reader: fsHostReader('/'),
    run: runCommand,
    containerd: { stateDirs: [state], address },
    only: names,
  });
  return auditHost(
    snapshot.observations,
    snapshot.reference,
    {
      standard: 'moat',
      catalog,
      cdeLabel: DEFAULT_COMPOSE_CDE_LABEL,
      sandboxRuntimes: DEFAULT_OCI_SANDBOXES,
      allowedRegistries: ['localhost'],
    },
    snapshot.notes,
  );
}

function ids(report: AuditReport, name: string): string[] {
  const mine = report.findings.filter((f) => f.subject.name === name);
  return [...new Set(mine.map((f) => f.controlId))].sort();
}

describe.skipIf(needs)('moat host audit of real containerd containers', () => {
  it('finds both as containerd containers, with pod names, image and digest', async (ctx) => {
    if (started !== undefined) {
      ctx.skip();
    }

    const report = await audit(['payments-0/api', 'bad'], address);
    expect(report.subjects).toBe(2);
    const found = report.notes.map((n) => n.message).filter((m) => m.includes('found via'));
    expect(found).toEqual([
      expect.stringMatching(
        new RegExp(
          `^container bad \\(bad, runc, pid \\d+\\) found via containerd, namespace ${NS}, ` +
            `runtime type io\\.containerd\\.runc\\.v2, image localhost/moat-bb:1 \\(${digest}\\)$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          '^container payments-0/api \\(good, runc, pid \\d+\\) found via containerd, ' +
            'pod payments/payments-0 container api, runtime type io\\.containerd\\.runc\\.v2, ' +
            `image localhost/moat-bb@${digest} \\(${digest}\\)$`,
        ),
      ),
    ]);
    expect(report.findings.find((f) => f.subject.name === 'bad')?.subject.namespace).toBe(NS);
  });

  it('judges the locked-down and the privileged container exactly', async (ctx) => {
    if (started !== undefined) {
      ctx.skip();
    }

    const report = await audit(['payments-0/api', 'bad'], address);
    // ctr 1.6 on cgroup v1 never makes a cgroup namespace, so even the good one shares it.
    expect(ids(report, 'payments-0/api')).toEqual([
      'MOAT-CTR-022',
      ...(existsSync(PIDS_V1) ? [] : ['MOAT-CTR-013']),
    ]);
    expect(ids(report, 'bad')).toEqual([
      'MOAT-CTR-001',
      'MOAT-CTR-005',
      'MOAT-CTR-006',
      'MOAT-CTR-007',
      'MOAT-CTR-009',
      'MOAT-CTR-010',
      'MOAT-CTR-011',
      'MOAT-CTR-012',
      'MOAT-CTR-013',
      'MOAT-CTR-017',
      'MOAT-CTR-021',
      'MOAT-CTR-022',
    ]);
    expect(report.findings.find((f) => f.controlId === 'MOAT-CTR-021')).toMatchObject({
      path: 'image localhost/moat-bb:1',
      message: 'container bad uses an image not pinned by digest',
    });
  });

  it('keeps what the state says when the socket does not answer', async (ctx) => {
    if (started !== undefined) {
      ctx.skip();
    }

    const silent = join(dir, 'silent.sock');
    const report = await audit(['bad'], silent);
    expect(report.subjects).toBe(1);
    expect(report.notes).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          new RegExp(`^containerd at ${silent} did not answer \\(.+\\); containerd containers`),
        ),
      }),
    );
    // Without ctr the image of a container not made through CRI is unknown: not judged.
    expect(ids(report, 'bad')).not.toContain('MOAT-CTR-021');
  });

  it('runs as `moat audit host --containerd-state` with exit 1 and JSON findings', async (ctx) => {
    if (started !== undefined) {
      ctx.skip();
    }

    const run = await runMoat([
      'audit',
      'host',
      '--containerd-state',
      state,
      '--containerd-address',
      address,
      '--container',
      'bad',
      '--allowed-registry',
      'registry.bank.example',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout).findings as { controlId: string; message: string }[];
    expect(findings.find((f) => f.controlId === 'MOAT-CTR-023')?.message).toBe(
      'container bad uses an image from a registry not allowed',
    );
  });
});
