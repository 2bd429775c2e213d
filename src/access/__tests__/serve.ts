// Test support: the built `moat serve` as a child process on a free loopback port, so access
// tests can drive it with real registry clients.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../testing/free-port.js';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** Compiles the CLI into dist/; type errors in unrelated files do not stop the emit. */
export function buildMoat(): boolean {
  spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'ignore' });
  return existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'));
}

export interface MoatServer {
  host: string;
  stop(): Promise<void>;
}

/** Starts `moat serve` and waits until /v2/ answers (with 401: it is protected). */
export async function startMoatServe(dataDir: string, adminPassword: string):
  Promise<MoatServer> {
  const host = `127.0.0.1:${await freePort()}`;
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'moat'), 'serve', '--listen',
    host, '--data', dataDir], { stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOAT_ADMIN_PASSWORD: adminPassword, MOAT_LOG_LEVEL: 'warn' } });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };

  const deadline = Date.now() + 20_000;
  while (!await fetch(`http://${host}/v2/`).then((r) => r.status === 401, () => false)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`moat serve did not start: ${log}`);
    }

    await new Promise((done) => setTimeout(done, 100));
  }

  return { host, stop };
}
