// Test support: the real `moat serve` as a child process (built CLI), with the real access
// policy, on a free loopback port. `kill9` is for crash tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, readdir, readFile, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheKey, cachedDir } from '../../testing/cache.js';
export { freePort } from '../../testing/free-port.js';
import { freePort } from '../../testing/free-port.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const ADMIN = { username: 'admin', password: 'moat-test-admin-password' };

let cli: string | undefined;

/**
 * Compiles the CLI once per state of the sources, into the test cache (built aside and renamed
 * into place, under a lock), so parallel test files never run a half-written dist/. Type
 * errors in files being edited elsewhere do not stop tsc from emitting. Returns false when no
 * CLI came out.
 */
export async function buildCli(): Promise<boolean> {
  const files = (await readdir(join(REPO_ROOT, 'src'), { recursive: true }))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  const hash = createHash('sha256');
  for (const file of [...files.map((f) => join('src', f)), 'tsconfig.json',
    'tsconfig.build.json', 'package.json']) {
    hash.update(file).update(await readFile(join(REPO_ROOT, file)));
  }

  const dir = await cachedDir(cacheKey('moat-cli', [hash.digest('hex')]), async (tmp) => {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(tmp, 'dist')],
      { cwd: REPO_ROOT, stdio: 'ignore' });
    // version.ts and the posture catalog find these next to dist/.
    await copyFile(join(REPO_ROOT, 'package.json'), join(tmp, 'package.json'));
    await symlink(join(REPO_ROOT, 'data'), join(tmp, 'data'));
    if (!existsSync(join(tmp, 'dist', 'cli', 'main.js'))) {
      throw new Error('tsc emitted no dist/cli/main.js');
    }
  }).catch(() => undefined);
  cli = dir === undefined ? undefined : join(dir, 'dist', 'cli', 'main.js');
  return cli !== undefined;
}

/** Runs the built CLI with `args` in a child process (see `buildCli`). */
function cliCommand(args: string[]): string[] {
  if (cli === undefined) {
    throw new Error('call buildCli() first');
  }

  const launcher = `const { main } = await import(${JSON.stringify(pathToFileURL(cli).href)});` +
    'process.exitCode = await main(process.argv.slice(1));';
  return ['--input-type=module', '-e', launcher, ...args];
}

export interface ServerProcess {
  host: string;
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

/** Starts `moat serve --data dataDir` and waits for /api/health. */
export async function spawnServer(dataDir: string, logLevel = 'warn',
  env: NodeJS.ProcessEnv = { MOAT_ADMIN_PASSWORD: ADMIN.password }): Promise<ServerProcess> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child = spawn(process.execPath, cliCommand(['serve', '--listen', host, '--data', dataDir]), {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...withoutAdminPassword(process.env), ...env, MOAT_LOG_LEVEL: logLevel },
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

function withoutAdminPassword(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.MOAT_ADMIN_PASSWORD;
  return copy;
}
