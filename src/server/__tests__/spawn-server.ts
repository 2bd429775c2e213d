// Test support: the real `moat serve` as a child process (built CLI), with the real access
// policy, on a free loopback port. `kill9` is for crash tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CLI = join(REPO_ROOT, 'bin', 'moat');
export const ADMIN = { username: 'admin', password: 'moat-test-admin-password' };

/** Compiles the CLI into dist/ once per test file; type errors elsewhere do not stop emit. */
export function buildCli(): boolean {
  spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'ignore' });
  return existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'));
}

export interface ServerProcess {
  host: string;
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Starts `moat serve --data dataDir` and waits for /api/health. */
export async function spawnServer(dataDir: string, logLevel = 'warn'): Promise<ServerProcess> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child = spawn(process.execPath, [CLI, 'serve', '--listen', host, '--data', dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOAT_ADMIN_PASSWORD: ADMIN.password, MOAT_LOG_LEVEL: logLevel },
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await fetch(`http://${host}/api/health`).then((r) => r.ok, () => false);
    if (ok) {
      break;
    }

    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`moat serve did not start: ${log}`);
    }

    await new Promise((done) => setTimeout(done, 100));
  }

  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(name);
      await exited;
    }
  };
  return { host, url: `http://${host}`, child, stderr: () => log,
    stop: () => signal('SIGTERM'), kill9: () => signal('SIGKILL') };
}
