// containerd discovery over a captured state tree: a CRI container with its pod names, a pod
// sandbox (skipped), a stopped task whose bundle remains, and a socket that does not answer.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../testing/requirements.js';
import type { AuditNote } from '../finding.js';
import { discoverContainerd, parseCtrTable, shimRuntime } from './containerd.js';
import type { CommandResult } from './podman.js';
import { fsHostReader } from './reader.js';

const TASKS = '/run/containerd/io.containerd.runtime.v2.task';
const DIGEST = `sha256:${'c'.repeat(64)}`;

let root: string;
let cleanup: () => Promise<void>;

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

async function task(
  ns: string,
  id: string,
  pid: number,
  annotations: Record<string, string>,
  shim = '/usr/bin/containerd-shim-runc-v2',
): Promise<void> {
  await put(`${TASKS}/${ns}/${id}/init.pid`, String(pid));
  await put(`${TASKS}/${ns}/${id}/config.json`, JSON.stringify({ annotations }));
  await put(`${TASKS}/${ns}/${id}/shim-binary-path`, shim);
  await put(`${TASKS}/${ns}/${id}/options.json`, '{}');
}

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('containerd-tree'));
  const cri = 'io.kubernetes.cri.';
  await task('k8s.io', 'a1', 101, {
    [`${cri}container-type`]: 'container',
    [`${cri}container-name`]: 'api',
    [`${cri}sandbox-name`]: 'payments-7d9',
    [`${cri}sandbox-namespace`]: 'payments',
    [`${cri}image-name`]: 'registry.bank.example/payments/api:1.4',
  });
  await task('k8s.io', 'p1', 100, { [`${cri}container-type`]: 'sandbox' });
  await task('k8s.io', 'gone', 999_999, {});
  await task('moat', 'plain', 102, {}, '/usr/bin/containerd-shim-runsc-v1');
  for (const pid of [100, 101, 102]) {
    await mkdir(join(root, `/proc/${pid}/ns`), { recursive: true });
    await symlink('pid:[4026531836]', join(root, `/proc/${pid}/ns/pid`));
  }
});

afterAll(async () => {
  await cleanup();
});

describe('shimRuntime', () => {
  it.each([
    ['/usr/bin/containerd-shim-runc-v2', undefined, 'io.containerd.runc.v2', 'runc'],
    ['/usr/bin/containerd-shim-runc-v2', '/usr/bin/crun', 'io.containerd.runc.v2', 'crun'],
    ['/usr/local/bin/containerd-shim-runsc-v1\n', undefined, 'io.containerd.runsc.v1', 'runsc'],
    ['/opt/kata/bin/containerd-shim-kata-v2', undefined, 'io.containerd.kata.v2', 'kata'],
    ['/usr/bin/strange', undefined, 'strange', 'unknown'],
  ])('%s (%s) is %s / %s', (path, binary, type, runtime) => {
    expect(shimRuntime(path, binary)).toEqual({ type, runtime });
  });
});

describe('parseCtrTable', () => {
  it('reads the columns of ctr tables and skips the header and blank lines', () => {
    const text =
      'CONTAINER    IMAGE                  RUNTIME\n' +
      'bad          localhost/moat-bb:1    io.containerd.runc.v2\n\n';
    expect(parseCtrTable(text)).toEqual([['bad', 'localhost/moat-bb:1', 'io.containerd.runc.v2']]);
  });
});

describe('discoverContainerd', () => {
  it('reports running tasks with CRI names, skips sandboxes and stopped tasks', async () => {
    const calls: string[][] = [];
    const run = async (_file: string, args: string[]): Promise<CommandResult> => {
      calls.push(args);
      const ns = args[args.indexOf('-n') + 1];
      if (args.includes('containers')) {
        return { code: 0, stdout: `CONTAINER IMAGE RUNTIME\nplain localhost/bb:1 x\n`, stderr: '' };
      }

      const ref = ns === 'moat' ? 'localhost/bb:1' : 'other:1';
      return { code: 0, stdout: `REF TYPE DIGEST\n${ref} application/x ${DIGEST}\n`, stderr: '' };
    };
    const notes: AuditNote[] = [];
    const found = await discoverContainerd(
      fsHostReader(root),
      run,
      { stateDirs: ['/run/containerd'], address: '/run/containerd/containerd.sock' },
      notes,
    );
    expect(notes).toEqual([]);
    expect(calls.map((c) => c[c.indexOf('-n') + 1])).toEqual(['k8s.io', 'k8s.io', 'moat', 'moat']);
    expect(found).toEqual([
      {
        id: 'a1',
        name: 'payments-7d9/api',
        pid: 101,
        runtime: 'runc',
        runtimeType: 'io.containerd.runc.v2',
        namespace: 'payments',
        kubernetes: { namespace: 'payments', pod: 'payments-7d9', container: 'api' },
        image: 'registry.bank.example/payments/api:1.4',
        imageDigest: undefined,
        labels: expect.objectContaining({ 'io.kubernetes.cri.container-name': 'api' }),
        source: 'containerd',
      },
      {
        id: 'plain',
        name: 'plain',
        pid: 102,
        runtime: 'runsc',
        runtimeType: 'io.containerd.runsc.v1',
        namespace: 'moat',
        kubernetes: undefined,
        image: 'localhost/bb:1',
        imageDigest: DIGEST,
        labels: {},
        source: 'containerd',
      },
    ]);
  });

  it('keeps the state when the socket does not answer, with a warning', async () => {
    const run = async (): Promise<CommandResult> => ({
      code: 1,
      stdout: '',
      stderr: 'ctr: failed to dial "/run/containerd/containerd.sock": context deadline exceeded\n',
    });
    const notes: AuditNote[] = [];
    const found = await discoverContainerd(
      fsHostReader(root),
      run,
      { stateDirs: ['/run/containerd'], address: '/run/containerd/containerd.sock' },
      notes,
    );
    expect(found.map((c) => [c.name, c.image])).toEqual([
      ['payments-7d9/api', 'registry.bank.example/payments/api:1.4'],
      ['plain', undefined],
    ]);
    expect(notes).toEqual([
      {
        level: 'warning',
        message:
          'containerd at /run/containerd/containerd.sock did not answer (ctr: failed to dial ' +
          '"/run/containerd/containerd.sock": context deadline exceeded); containerd ' +
          'containers reported from its state only',
      },
    ]);
  });

  it('finds nothing and asks nothing on a host without containerd', async () => {
    const notes: AuditNote[] = [];
    const run = async (): Promise<CommandResult> => {
      throw new Error('must not run');
    };
    expect(
      await discoverContainerd(fsHostReader(root), run, { stateDirs: ['/nowhere'] }, notes),
    ).toEqual([]);
    expect(notes).toEqual([]);
  });
});
