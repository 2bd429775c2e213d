// The two registries of the registry benchmark, each on a fresh data dir so that every push is
// a real upload: the reference registry (Debian's docker-registry, anonymous, with the blob
// descriptor cache that Debian's packaged config turns on, log level error, access log off) and
// `moat serve` (log level warn, a public project and a user with publisher rights there).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../testing/requirements.js';
import { run } from '../testing/run.js';
import { parseProcStatCpu } from './registry-stats.js';
import { freePort } from '../testing/free-port.js';

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

/**
 * Starts the reference registry on a fresh data dir. Its config is the one
 * src/testing/registry.ts writes plus Debian's `cache: {blobdescriptor: inmemory}`, so it runs
 * as packaged. Throws with its log when it does not start.
 */
export async function startReference(): Promise<BenchRegistry> {
  const { dir, cleanup } = await makeTempDir('bench-reference');
  const host = `127.0.0.1:${await freePort()}`;
  const config = [
    'version: 0.1',
    'log: {level: error, accesslog: {disabled: true}}',
    `storage: {cache: {blobdescriptor: inmemory}, filesystem: {rootdirectory: ${join(dir,
      'data')}}, delete: {enabled: true}}`,
    `http: {addr: "${host}"}`,
  ].join('\n');
  await writeFile(join(dir, 'registry.yml'), `${config}\n`);
  const child = spawn('docker-registry', ['serve', join(dir, 'registry.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return started(child, host, '/v2/', 'docker-registry', cleanup);
}

/** Waits for `path` to answer 200, or stops the child and throws with its log. */
async function started(child: ChildProcess, host: string, path: string, what: string,
  cleanup: () => Promise<void>): Promise<BenchRegistry & { log: () => string }> {
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (t: string) => (log = (log + t).slice(-8000)));
  const stop = async () => {
    await stopChild(child);
    await cleanup();
  };

  try {
    if (child.pid === undefined) {
      throw new Error(`${what} did not start`);
    }

    await waitReady(`http://${host}${path}`, child, what, () => log);
    return { host, pid: child.pid, stop, log: () => log };
  } catch (err) {
    await stop();
    throw err;
  }
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
  const server = await started(child, host, '/api/health', 'moat serve', cleanup);
  try {
    const moat = (args: string[], input?: string) => run(process.execPath,
      [moatBin, ...args, '--data', data], { secrets: [password], ...(input ? { input } : {}) });
    await moat(['project', 'create', BENCH_PROJECT, '--public']);
    await moat(['user', 'add', PUBLISHER, '--password-stdin'], `${password}\n`);
    await moat(['user', 'grant', PUBLISHER, 'publisher', BENCH_PROJECT]);
  } catch (err) {
    await server.stop();
    throw new Error(`setting up moat serve failed: ${server.log()}`, { cause: err });
  }

  return { host, pushCreds: `${PUBLISHER}:${password}`, pid: server.pid, stop: server.stop };
}

// Limitation: another process may take the free port before the server binds it; the bench
// then fails with the server's log rather than retrying (or, if that process answers the same
// path with 200, measures it: run the bench on a machine without other registries starting).
async function waitReady(url: string, child: ChildProcess, what: string, log: () => string):
  Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${what} exited with ${child.exitCode}: ${log()}`);
    }

    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) {
      return;
    }

    await new Promise((done) => setTimeout(done, 50));
  }

  throw new Error(`${what} did not answer on ${url} in ${READY_TIMEOUT_MS} ms: ${log()}`);
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

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) ||
  100;

/** User + system CPU seconds a running process has used. Throws when it is gone. */
export function processCpuSeconds(pid: number): number {
  return parseProcStatCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'), TICKS_PER_SECOND);
}
