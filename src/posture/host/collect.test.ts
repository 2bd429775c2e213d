// The host audit over a captured host tree (files copied from a real podman host), including a
// container whose process is gone and a podman that does not answer.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load.js';
import { makeTempDir } from '../../testing/requirements.js';
import { auditHost } from './audit.js';
import { readCgroupLimits } from './cgroups.js';
import { collectHost, runCommand } from './collect.js';
import { discoverPodman } from './podman.js';
import { fsHostReader } from './reader.js';
import type { AuditNote } from '../finding.js';

const ID = 'a'.repeat(64);
const GONE = 'b'.repeat(64);
const CG = `/libpod_parent/libpod-${ID}`;

let root: string;
let cleanup: () => Promise<void>;

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('host-tree'));
  await put(
    '/proc/1/status',
    'Uid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\nCapBnd:\t000001fffeffffff\n',
  );
  await put(
    '/proc/4242/status',
    'Uid:\t0\t0\t0\t0\nCapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nNoNewPrivs:\t0\nSeccomp:\t2\n',
  );
  await put('/proc/4242/uid_map', '         0          0 4294967295\n');
  await put('/proc/4242/mountinfo', '76 51 0:41 / / rw,relatime - overlay overlay rw\n');
  await put('/proc/4242/cgroup', `8:pids:${CG}\n4:memory:${CG}\n1:cpu:${CG}\n0::${CG}\n`);
  await put(`/sys/fs/cgroup/memory${CG}/memory.limit_in_bytes`, '9223372036854771712\n');
  await put(`/sys/fs/cgroup/cpu${CG}/cpu.cfs_quota_us`, '50000\n');
  await put(`/sys/fs/cgroup/pids${CG}/pids.max`, '100\n');
  await put(
    `/run/runc/${ID}/state.json`,
    JSON.stringify({ id: ID, init_process_pid: 4242, config: { labels: [] } }),
  );
  await put(
    `/run/runc/${GONE}/state.json`,
    JSON.stringify({ id: GONE, init_process_pid: 999999, config: {} }),
  );
  await put('/run/runc/broken/state.json', '{not json');
});
afterAll(() => cleanup());

describe('collectHost over a captured tree', () => {
  it('judges what it can read and notes what vanished or did not answer', async () => {
    const notAnswering = async () => ({ code: null, stdout: '', stderr: 'spawn podman ETIMEDOUT' });
    const snapshot = await collectHost({
      reader: fsHostReader(root),
      run: notAnswering,
      podman: { binary: 'podman', globalArgs: [] },
      only: [],
    });
    const report = auditHost(
      snapshot.observations,
      snapshot.reference,
      {
        standard: 'moat',
        catalog: await loadCatalog(),
        cdeLabel: { key: 'k', value: 'v' },
        sandboxRuntimes: ['runsc'],
      },
      snapshot.notes,
    );
    expect(report.subjects).toBe(1);
    expect([...new Set(report.findings.map((f) => f.controlId))].sort()).toEqual([
      'MOAT-CTR-005',
      'MOAT-CTR-006',
      'MOAT-CTR-008',
      'MOAT-CTR-009',
      'MOAT-CTR-010',
      'MOAT-CTR-011',
      'MOAT-CTR-017',
    ]);
    const messages = report.notes.map((n) => `${n.level}: ${n.message}`);
    expect(messages).toContain(
      `warning: podman ps failed (spawn podman ETIMEDOUT); podman containers found only through runtime state`,
    );
    expect(messages).toContain('warning: runc state unreadable; skipped');
    expect(messages).toContain(
      `warning: container ${GONE.slice(0, 12)} (${GONE.slice(0, 12)}, runc, pid 999999) exited while it was read; not judged`,
    );
  });
});

describe('LSM labels of live containers', () => {
  async function judge(files: Record<string, string>): Promise<string[]> {
    const { dir, cleanup: done } = await makeTempDir('host-lsm');
    try {
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      }

      for (const file of ['status', 'uid_map', 'mountinfo', 'cgroup']) {
        await mkdir(join(dir, '/proc/4242'), { recursive: true });
        const text = await readFile(join(root, `/proc/4242/${file}`));
        await writeFile(join(dir, `/proc/4242/${file}`), text);
      }

      await mkdir(join(dir, `/run/runc/${ID}`), { recursive: true });
      await writeFile(
        join(dir, `/run/runc/${ID}/state.json`),
        JSON.stringify({ id: ID, init_process_pid: 4242, config: {} }),
      );
      const snapshot = await collectHost({ reader: fsHostReader(dir), run: runCommand, only: [] });
      const report = auditHost(snapshot.observations, snapshot.reference, {
        standard: 'moat',
        catalog: await loadCatalog(),
        cdeLabel: { key: 'k', value: 'v' },
        sandboxRuntimes: ['runsc'],
      });
      return report.findings
        .filter((f) => f.controlId === 'MOAT-CTR-015' || f.controlId === 'MOAT-CTR-016')
        .map((f) => `${f.controlId} ${f.path}`);
    } finally {
      await done();
    }
  }

  const APPARMOR_ON = { '/sys/module/apparmor/parameters/enabled': 'Y\n' };
  const SELINUX_ON = { '/sys/fs/selinux/enforce': '1' };

  it('judges AppArmor from attr/apparmor/current, falling back to attr/current', async () => {
    expect(
      await judge({ ...APPARMOR_ON, '/proc/4242/attr/apparmor/current': 'unconfined\n' }),
    ).toEqual(['MOAT-CTR-015 /proc/4242/attr/apparmor/current unconfined']);
    expect(
      await judge({ ...APPARMOR_ON, '/proc/4242/attr/current': 'docker-default (complain)\n' }),
    ).toEqual(['MOAT-CTR-015 /proc/4242/attr/current docker-default (complain)']);
    expect(
      await judge({ ...APPARMOR_ON, '/proc/4242/attr/current': 'docker-default (enforce)\n' }),
    ).toEqual([]);
  });

  it('judges the SELinux type only when SELinux is enabled', async () => {
    const spc = { '/proc/4242/attr/current': 'system_u:system_r:spc_t:s0\0' };
    expect(await judge({ ...SELINUX_ON, ...spc })).toEqual([
      'MOAT-CTR-016 /proc/4242/attr/current spc_t',
    ]);
    expect(
      await judge({
        ...SELINUX_ON,
        '/proc/4242/attr/current': 'system_u:system_r:container_t:s0:c1,c2',
      }),
    ).toEqual([]);
    expect(await judge(spc)).toEqual([]);
  });
});

describe('readCgroupLimits', () => {
  it('reads cgroup v2 limits where no v1 controller exists', async () => {
    await put('/proc/77/cgroup', '0::/machine/c1\n');
    await put('/sys/fs/cgroup/cgroup.controllers', 'cpu memory pids\n');
    await put('/sys/fs/cgroup/machine/c1/memory.max', 'max\n');
    await put('/sys/fs/cgroup/machine/c1/cpu.max', '50000 100000\n');
    await put('/sys/fs/cgroup/machine/c1/pids.max', 'max\n');
    const limits = await readCgroupLimits(fsHostReader(root), 77);
    expect(limits).toEqual({
      memory: { set: false, file: '/sys/fs/cgroup/machine/c1/memory.max' },
      cpu: { set: true, file: '/sys/fs/cgroup/machine/c1/cpu.max' },
      pids: { set: false, file: '/sys/fs/cgroup/machine/c1/pids.max' },
    });
  });
});

describe('discoverPodman', () => {
  it('lists running containers with their OCI runtime', async () => {
    const calls: string[][] = [];
    const run = async (_file: string, args: string[]) => {
      calls.push(args);
      if (args.includes('ps')) {
        return {
          code: 0,
          stderr: '',
          stdout: JSON.stringify([
            {
              Id: ID,
              Names: ['pay'],
              Pid: 10,
              Image: 'bb:1',
              State: 'running',
              Labels: { a: 'b' },
            },
            { Id: GONE, Names: ['old'], Pid: 0, State: 'exited' },
          ]),
        };
      }

      return {
        code: 0,
        stderr: '',
        stdout: JSON.stringify([
          {
            Id: ID,
            OCIRuntime: '/usr/bin/runsc',
            Image: 'f'.repeat(64),
            ImageName: `localhost/bb@sha256:${'d'.repeat(64)}`,
            ImageDigest: `sha256:${'d'.repeat(64)}`,
          },
        ]),
      };
    };
    const notes: AuditNote[] = [];
    const found = await discoverPodman(
      run,
      { binary: 'podman', globalArgs: ['--root', '/r'] },
      notes,
    );
    expect(found).toEqual([
      {
        id: ID,
        name: 'pay',
        pid: 10,
        runtime: 'runsc',
        image: `localhost/bb@sha256:${'d'.repeat(64)}`,
        imageDigest: `sha256:${'d'.repeat(64)}`,
        labels: { a: 'b' },
        source: 'podman',
      },
    ]);
    expect(calls[0]).toEqual(['--root', '/r', 'ps', '--format', 'json', '--no-trunc']);
    expect(notes).toEqual([]);
  });
});
