// Starts real containers with podman (runc) and gVisor (runsc, ptrace platform) in a private
// podman storage root and asserts the exact findings of the host audit for each.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Control } from '../catalog/control.js';
import { loadCatalog } from '../catalog/load.js';
import { DEFAULT_COMPOSE_CDE_LABEL, DEFAULT_OCI_SANDBOXES } from '../compose/audit.js';
import type { AuditNote, AuditReport } from '../finding.js';
import type { Standard } from '../standards.js';
import { runMoat } from '../testing/cli.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { auditHost } from './audit.js';
import { collectHost, runCommand } from './collect.js';
import { discoverDockerApi } from './docker-api.js';
import { fsHostReader } from './reader.js';

const skip = skipReason('host audit against real containers', {
  root: true,
  tools: ['podman', 'runc', 'runsc', 'busybox'],
});

const LIMITS = ['--memory', '64m', '--cpus', '0.5', '--pids-limit', '100'];
const LOCKED = [
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--user',
  '1000:1000',
  '--read-only',
  '--cgroupns',
  'private',
  ...LIMITS,
];
const RUNSC = [
  '--runtime',
  '/usr/bin/runsc',
  '--runtime-flag',
  'network=none',
  '--runtime-flag',
  'platform=ptrace',
];

// The live LSM test needs a kernel with AppArmor or SELinux enabled.
function enabledLsm(): 'apparmor' | 'selinux' | undefined {
  if (existsSync('/sys/fs/selinux/enforce')) {
    return 'selinux';
  }

  const apparmor = '/sys/module/apparmor/parameters/enabled';
  if (existsSync(apparmor) && readFileSync(apparmor, 'utf8').trim() === 'Y') {
    return 'apparmor';
  }

  console.log(
    'skipping the live LSM label test: this kernel has neither AppArmor ' +
      '(/sys/module/apparmor/parameters/enabled) nor SELinux (/sys/fs/selinux) enabled',
  );
  return undefined;
}

const LSM = skip === undefined ? enabledLsm() : undefined;

let dir: string;
let cleanup: () => Promise<void>;
let podman: string[];
let catalog: Map<string, Control>;
let service: ChildProcess | undefined;
let digest: string;

function sh(args: string[]): string {
  const result = spawnSync('podman', [...podman, ...args], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`podman ${args.join(' ')} failed: ${result.stderr}`);
  }

  return result.stdout;
}

/** name → [global podman flags, run flags] */
function scenarios(sock: string): Record<string, [string[], string[]]> {
  return {
    privileged: [[], ['--privileged', ...LIMITS]],
    'pid-host': [[], ['--pid', 'host', ...LOCKED]],
    'sys-admin': [
      [],
      ['--cap-add', 'SYS_ADMIN', ...LOCKED.filter((f) => f !== '--user' && f !== '1000:1000')],
    ],
    'seccomp-off': [[], ['--security-opt', 'seccomp=unconfined', ...LOCKED]],
    'no-memory': [[], LOCKED.filter((f, i, all) => f !== '--memory' && all[i - 1] !== '--memory')],
    'docker-sock': [[], ['-v', `${sock}:/var/run/docker.sock`, ...LOCKED]],
    locked: [[], LOCKED],
    'cde-runc': [[], ['--label', 'moat.dev/cardholder-data=true', ...LOCKED]],
    'cde-gvisor': [RUNSC, ['--label', 'moat.dev/cardholder-data=true', ...LIMITS]],
  };
}

beforeAll(async () => {
  if (skip !== undefined) {
    return;
  }

  ({ dir, cleanup } = await makeTempDir('host-audit'));
  const rootfs = join(dir, 'rootfs');
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  await mkdir(join(rootfs, 'etc'));
  spawnSync('cp', ['/bin/busybox', join(rootfs, 'bin', 'busybox')]);
  spawnSync('chroot', [rootfs, '/bin/busybox', '--install', '-s', '/bin']);
  await writeFile(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(
    join(dir, 'containers.conf'),
    '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' +
      '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n',
  );
  await writeFile(
    join(dir, 'storage.conf'),
    `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/runroot"\n`,
  );
  process.env.CONTAINERS_CONF = join(dir, 'containers.conf');
  process.env.CONTAINERS_STORAGE_CONF = join(dir, 'storage.conf');
  podman = ['--root', join(dir, 'root'), '--runroot', join(dir, 'runroot')];
  const tar = spawnSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  const imported = spawnSync('podman', [...podman, 'import', '-', 'localhost/moat-bb:1'], {
    input: tar.stdout,
  });
  expect(imported.status).toBe(0);
  digest = sh(['images', '--digests', '--format', '{{.Digest}}', 'localhost/moat-bb:1']).trim();
  const sock = join(dir, 'docker.sock');
  await writeFile(sock, '');
  for (const [name, [global, flags]] of Object.entries(scenarios(sock))) {
    sh([
      ...global,
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'none',
      ...flags,
      // Pinned by digest, but for the privileged one, which names the tag.
      name === 'privileged' ? 'localhost/moat-bb:1' : `localhost/moat-bb@${digest}`,
      'sleep',
      '600',
    ]);
  }

  // podman's Docker-compatible API on a private socket, for the Docker Engine API source.
  service = spawn(
    'podman',
    [...podman, 'system', 'service', '--time=0', `unix://${join(dir, 'podman.sock')}`],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100 && !existsSync(join(dir, 'podman.sock')); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  catalog = await loadCatalog();
}, 300_000);

afterAll(async () => {
  if (skip !== undefined) {
    return;
  }

  if (service?.pid !== undefined) {
    process.kill(service.pid, 'SIGTERM');
  }

  spawnSync('podman', [...podman, 'rm', '-f', '-t', '0', ...Object.keys(scenarios(''))]);
  spawnSync('podman', [...podman, 'rmi', '-a', '-f']);
  await cleanup();
});

async function audit(names: string[], standard: Standard = 'moat'): Promise<AuditReport> {
  const snapshot = await collectHost({
    reader: fsHostReader('/'),
    run: runCommand,
    podman: { binary: 'podman', globalArgs: podman },
    only: names,
  });
  return auditHost(
    snapshot.observations,
    snapshot.reference,
    {
      standard,
      catalog,
      cdeLabel: DEFAULT_COMPOSE_CDE_LABEL,
      sandboxRuntimes: DEFAULT_OCI_SANDBOXES,
    },
    snapshot.notes,
  );
}

describe.skipIf(skip)('moat host audit of real containers', () => {
  it.each([
    [
      'privileged',
      [
        'MOAT-CTR-001',
        'MOAT-CTR-005',
        'MOAT-CTR-006',
        'MOAT-CTR-007',
        'MOAT-CTR-008',
        'MOAT-CTR-009',
        'MOAT-CTR-010',
        'MOAT-CTR-017',
        'MOAT-CTR-021',
        'MOAT-CTR-022',
      ],
    ],
    ['pid-host', ['MOAT-CTR-002', 'MOAT-CTR-017']],
    ['sys-admin', ['MOAT-CTR-005', 'MOAT-CTR-006', 'MOAT-CTR-009', 'MOAT-CTR-017']],
    ['seccomp-off', ['MOAT-CTR-007', 'MOAT-CTR-017']],
    ['no-memory', ['MOAT-CTR-011', 'MOAT-CTR-017']],
    ['docker-sock', ['MOAT-CTR-014', 'MOAT-CTR-017']],
    ['locked', ['MOAT-CTR-017']],
    ['cde-runc', ['MOAT-CTR-017', 'MOAT-CTR-018']],
    // The host sees gVisor's sandbox: UID 65534 in a user namespace, seccomp, no_new_privs.
    ['cde-gvisor', []],
  ])('judges %s', async (name, expected) => {
    const report = await audit([name]);
    expect(report.subjects).toBe(1);
    expect([...new Set(report.findings.map((f) => f.controlId))].sort()).toEqual(expected);
  });

  it('names the capability, the socket and the /proc entry behind each finding', async () => {
    const report = await audit(['sys-admin', 'docker-sock']);
    const caps = report.findings.find((f) => f.controlId === 'MOAT-CTR-005');
    expect(caps?.message).toBe('container sys-admin holds SYS_ADMIN');
    expect(caps?.path).toMatch(/^\/proc\/\d+\/status CapEff\/CapBnd$/);
    const tag = (await audit(['privileged'])).findings.find((f) => f.controlId === 'MOAT-CTR-021');
    expect(tag).toMatchObject({
      path: 'image localhost/moat-bb:1',
      message: 'container privileged uses an image not pinned by digest',
    });
    const sock = report.findings.find((f) => f.controlId === 'MOAT-CTR-014');
    expect(sock?.message).toBe(
      `container docker-sock mounts the host's ${dir}/docker.sock (at /var/run/docker.sock)`,
    );
  });

  it('identifies gVisor and passes the locked-down container under pss-restricted', async () => {
    const report = await audit(['locked', 'cde-gvisor'], 'pss-restricted');
    expect(report.notes.map((n) => n.message)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^container cde-gvisor \\([0-9a-f]{12}, runsc, pid \\d+\\) found via podman, ` +
            `image localhost/moat-bb@${digest} \\(${digest}\\)$`,
        ),
      ),
    );
    expect(report.findings.filter((f) => f.subject.name === 'locked')).toEqual([]);
  });

  it('finds the same containers through the Docker Engine API socket', async () => {
    const notes: AuditNote[] = [];
    const found = await discoverDockerApi(join(dir, 'podman.sock'), notes);
    expect(notes).toEqual([]);
    const locked = found.find((c) => c.name === 'locked');
    expect(locked?.pid).toBe(Number(sh(['inspect', '-f', '{{.State.Pid}}', 'locked']).trim()));
    expect([locked?.image, locked?.imageDigest]).toEqual([`localhost/moat-bb@${digest}`, digest]);
    const tagged = found.find((c) => c.name === 'privileged');
    expect([tagged?.image, tagged?.imageDigest]).toEqual(['localhost/moat-bb:1', digest]);
    const snapshot = await collectHost({
      reader: fsHostReader('/'),
      run: runCommand,
      dockerSockets: [join(dir, 'podman.sock')],
      only: ['locked'],
    });
    expect(snapshot.observations[0]?.container.source).toBe(
      `docker-api ${join(dir, 'podman.sock')}`,
    );
  });

  it.skipIf(LSM === undefined)('judges the LSM label of a live container', async () => {
    const off = LSM === 'selinux' ? 'label=disable' : 'apparmor=unconfined';
    const image = `localhost/moat-bb@${digest}`;
    const flags = ['--network', 'none', '--security-opt', off, ...LOCKED];
    sh(['run', '-d', '--name', 'lsm-off', ...flags, image, 'sleep', '600']);
    try {
      const report = await audit(['lsm-off', 'locked']);
      const control = LSM === 'selinux' ? 'MOAT-CTR-016' : 'MOAT-CTR-015';
      const found = report.findings.filter((f) => f.controlId === control);
      expect(found.map((f) => f.subject.name)).toEqual(['lsm-off']);
    } finally {
      spawnSync('podman', [...podman, 'rm', '-f', '-t', '0', 'lsm-off']);
    }
  });

  it('reports a container that is not running as an error', async () => {
    const report = await audit(['no-such-container']);
    expect(report.notes).toContainEqual({
      level: 'error',
      message: 'no running container named or with ID no-such-container',
    });
  });

  it('runs as `moat audit host` with exit 0 for a compliant container and 1 otherwise', async () => {
    const flags = ['--podman-root', podman[1] as string, '--podman-runroot', podman[3] as string];
    const ok = await runMoat([
      'audit',
      'host',
      ...flags,
      '--container',
      'locked',
      '--standard',
      'pss-restricted',
    ]);
    expect(ok.code).toBe(0);
    const bad = await runMoat([
      'audit',
      'host',
      ...flags,
      '--container',
      'privileged',
      '--format',
      'json',
    ]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).findings[0]).toMatchObject({
      controlId: 'MOAT-CTR-001',
      severity: 'critical',
    });
  });
});
