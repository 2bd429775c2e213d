// The two registries of the registry benchmark, each on a fresh data dir so that every push is
// a real upload: the reference registry (Debian's docker-registry, anonymous, access log off)
// and `moat serve` (log level warn, a public project and a user with publisher rights there).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startRegistry } from '../testing/registry.js';
import { makeTempDir } from '../testing/requirements.js';
import { run } from '../testing/run.js';
import { parseProcStatCpu } from './registry-stats.js';

export interface BenchRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  /** `user:password` for pushes, or undefined when the registry takes anonymous pushes. */
  pushCreds?: string;
  /** The server process, whose CPU time the bench reads. */
  pid: number;
  stop(): Promise<void>;
}

/** The project the benchmark pushes into, and its repository. */
export const BENCH_PROJECT = 'bench';
export const BENCH_REPOSITORY = `${BENCH_PROJECT}/img`;

const PUBLISHER = 'bench-publisher';
const READY_TIMEOUT_MS = 20_000;

/** Starts the reference registry. Throws with its log when it does not start. */
export async function startReference(): Promise<BenchRegistry> {
  const registry = await startRegistry();
  const pid = childPid('docker-registry');
  if (pid === undefined) {
    await registry.stop();
    throw new Error('the docker-registry process was not found among this process\'s children');
  }

  return { host: registry.host, pid, stop: () => registry.stop() };
}

/**
 * Starts `moat serve` (`moatBin` is `bin/moat`) on a fresh data dir, then makes the public
 * project and the publisher with the real commands. Throws when a step fails.
 */
export async function startMoat(moatBin: string): Promise<BenchRegistry> {
  const { dir, cleanup } = await makeTempDir('bench-moat');
  const data = join(dir, 'data');
  const adminPassword = randomBytes(18).toString('base64url');
  const password = randomBytes(18).toString('base64url');
  const host = `127.0.0.1:${await freePort()}`;
  const child = spawn(process.execPath, [moatBin, 'serve', '--listen', host, '--data', data], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOAT_ADMIN_PASSWORD: adminPassword, MOAT_LOG_LEVEL: 'warn' },
  });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (t: string) => (log = (log + t).slice(-8000)));
  const stop = async () => {
    await stopChild(child);
    await cleanup();
  };

  try {
    if (child.pid === undefined) {
      throw new Error('moat serve did not start');
    }

    await waitHealthy(host, child, () => log);
    const moat = (args: string[], input?: string) => run(process.execPath,
      [moatBin, ...args, '--data', data], { secrets: [password], ...(input ? { input } : {}) });
    await moat(['project', 'create', BENCH_PROJECT, '--public']);
    await moat(['user', 'add', PUBLISHER, '--password-stdin'], `${password}\n`);
    await moat(['user', 'grant', PUBLISHER, 'publisher', BENCH_PROJECT]);
  } catch (err) {
    await stop();
    throw err;
  }

  return { host, pushCreds: `${PUBLISHER}:${password}`, pid: child.pid ?? 0, stop };
}

async function waitHealthy(host: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moat serve exited with ${child.exitCode}: ${log()}`);
    }

    const ok = await fetch(`http://${host}/api/health`).then((r) => r.ok, () => false);
    if (ok) {
      return;
    }

    await new Promise((done) => setTimeout(done, 100));
  }

  throw new Error(`moat serve did not answer on ${host} in ${READY_TIMEOUT_MS} ms: ${log()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return;
  }

  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) ||
  100;

/** User + system CPU seconds a running process has used. Throws when it is gone. */
export function processCpuSeconds(pid: number): number {
  return parseProcStatCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'), TICKS_PER_SECOND);
}

// Limitation: src/testing/registry.ts keeps the registry's process to itself, so it is found
// as this process's only child of that name; the bench runs one reference registry at a time.
function childPid(command: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }

    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }

    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (name === command && ppid === process.pid) {
      return Number(entry);
    }
  }

  return undefined;
}
