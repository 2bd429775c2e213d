// Starts the real reference registry (Debian's docker-registry, CNCF distribution 2.8) for
// tests: on a free loopback port, in its own temp dir, anonymous or with htpasswd (bcrypt) or
// token authentication. Token auth uses a token server in the test process that signs ES256
// JWTs with a throwaway self-signed certificate, as the distribution token spec describes.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { makeTempDir } from './requirements.js';
import { startTokenServer, type TokenServer, type TokenUser } from './registry-token.js';
import { freePort } from './free-port.js';

export type { TokenUser } from './registry-token.js';

export interface RegistryOptions {
  auth?: 'none' | 'htpasswd' | 'token';
  /** Users for htpasswd and token auth; token users carry their pull/push rights. */
  users?: Record<string, TokenUser>;
}

export interface TestRegistry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, the registry host for references. */
  host: string;
  /** The token server, for `auth: 'token'`. */
  tokenServer?: TokenServer;
  stop(): Promise<void>;
}

/** What a test needs on PATH for `startRegistry`, in `skipReason()` form. */
export const REGISTRY_NEEDS: { tools: string[] } = {
  tools: ['docker-registry', 'skopeo', 'openssl'],
};

const SERVICE = 'moat-test-registry';
const ISSUER = 'moat-test-issuer';
const READY_TIMEOUT_MS = 15_000;
const PORT_ATTEMPTS = 3;

/** Starts a registry and waits until `/v2/` answers. Throws with its log when it fails. */
export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const { dir, cleanup } = await makeTempDir('registry');
  let tokenServer: TokenServer | undefined;
  let started: { child: ChildProcess; host: string } | undefined;
  try {
    const authYaml = await authConfig(options, dir, (server) => (tokenServer = server));
    // Another test may take the free port before the registry binds it: try a few ports.
    for (let attempt = 1; started === undefined; attempt += 1) {
      started = await serveOnFreePort(dir, authYaml, attempt === PORT_ATTEMPTS);
    }
  } catch (err) {
    await tokenServer?.stop();
    await cleanup();
    throw err;
  }

  const { child: running, host } = started;
  return {
    url: `http://${host}`,
    host,
    ...(tokenServer === undefined ? {} : { tokenServer }),
    stop: async () => {
      await stopProcess(running);
      await tokenServer?.stop();
      await cleanup();
    },
  };
}

// The registry echoes this header, so readiness is checked against our process, not
// another test's registry that happens to hold the port.
async function serveOnFreePort(
  dir: string,
  authYaml: string[],
  lastAttempt: boolean,
): Promise<{ child: ChildProcess; host: string } | undefined> {
  const host = `127.0.0.1:${await freePort()}`;
  const marker = randomUUID();
  const config = [
    'version: 0.1',
    'log: {level: error, accesslog: {disabled: true}}',
    `storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}, delete: {enabled: true}}`,
    `http: {addr: "${host}", headers: {X-Moat-Test-Registry: ["${marker}"]}}`,
    ...authYaml,
  ].join('\n');
  await writeFile(join(dir, 'registry.yml'), `${config}\n`);

  const child = spawn('docker-registry', ['serve', join(dir, 'registry.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (t: string) => (log = (log + t).slice(-8000)));
  try {
    await waitReady(`http://${host}/v2/`, marker, child, () => log);
    return { child, host };
  } catch (err) {
    await stopProcess(child);
    if (!lastAttempt && /address already in use/.test(log)) {
      return undefined;
    }

    throw err;
  }
}

async function authConfig(
  options: RegistryOptions,
  dir: string,
  onTokenServer: (server: TokenServer) => void,
): Promise<string[]> {
  const users = options.users ?? {};
  if (options.auth === 'htpasswd') {
    const lines = Object.entries(users).map(
      ([name, user]) => `${name}:${bcrypt.hashSync(user.password, 8)}`,
    );
    await writeFile(join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
    return ['auth:', '  htpasswd:', '    realm: moat-test', `    path: ${join(dir, 'htpasswd')}`];
  }

  if (options.auth === 'token') {
    const certificate = await makeCertificate(dir);
    const server = await startTokenServer({
      ...certificate,
      service: SERVICE,
      issuer: ISSUER,
      users,
    });
    onTokenServer(server);
    return [
      'auth:',
      '  token:',
      `    realm: ${server.realm}`,
      `    service: ${SERVICE}`,
      `    issuer: ${ISSUER}`,
      `    rootcertbundle: ${certificate.certPath}`,
    ];
  }

  return [];
}

// A P-256 key and self-signed certificate: the registry trusts tokens whose x5c chain
// ends in this certificate.
async function makeCertificate(dir: string): Promise<{ certPath: string; keyPath: string }> {
  const certPath = join(dir, 'token.crt');
  const keyPath = join(dir, 'token.key');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=moat-test-token',
  ]);
  return { certPath, keyPath };
}

async function waitReady(
  url: string,
  marker: string,
  child: ChildProcess,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`docker-registry exited with ${child.exitCode}: ${log()}`);
    }

    const reply = await fetch(url).catch(() => undefined);
    await reply?.body?.cancel();
    const ours = reply?.headers.get('x-moat-test-registry') === marker;
    if (ours && (reply?.status === 200 || reply?.status === 401)) {
      return;
    }

    await new Promise((done) => setTimeout(done, 50));
  }

  throw new Error(`docker-registry did not answer on ${url} in ${READY_TIMEOUT_MS} ms: ${log()}`);
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.pid === undefined || child.exitCode !== null) {
    return;
  }

  const exited = new Promise((done) => child.once('exit', done));
  process.kill(child.pid, 'SIGTERM');
  const pid = child.pid;
  const timer = setTimeout(() => process.kill(pid, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
