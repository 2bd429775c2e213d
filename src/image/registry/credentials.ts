// Finds the credentials for a registry in parsed containers `auth.json` / Docker
// `config.json` documents (containers-auth.json(5), docker config file format). Pure: reading
// the files and running credential helpers happens in credential-files.ts.
import { isDockerHub } from './reference.js';

export type Credential =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth2 refresh token (`identitytoken`), exchanged at the token realm. */
  | { kind: 'identity'; username?: string; identityToken: string };

/** What one auth document says about a registry. */
export type CredentialLookup =
  | { kind: 'credential'; credential: Credential; key: string }
  /** Run `docker-credential-<helper> get` with `serverUrl` on stdin. */
  | { kind: 'helper'; helper: string; serverUrl: string }
  | { kind: 'none' };

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

const HELPER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Looks a registry up in one auth document: `credHelpers[host]`, then `auths` under the most
 * specific key (`host/repo/path`, `host`, `https://host/v1/`, …), then `credsStore`.
 */
export function lookupCredential(
  document: unknown,
  registry: string,
  repository: string,
): CredentialLookup {
  if (!isRecord(document)) {
    return { kind: 'none' };
  }

  const hosts = hostKeys(registry);
  const helpers = isRecord(document.credHelpers) ? document.credHelpers : {};
  for (const host of hosts) {
    const helper = helpers[host];
    if (typeof helper === 'string' && HELPER_NAME_RE.test(helper)) {
      return { kind: 'helper', helper, serverUrl: helperServerUrl(registry) };
    }
  }

  const auths = isRecord(document.auths) ? document.auths : {};
  for (const key of candidateKeys(registry, repository)) {
    const entry = auths[key];
    const credential = isRecord(entry) ? decodeEntry(entry) : undefined;
    if (credential !== undefined) {
      return { kind: 'credential', credential, key };
    }
  }

  const store = document.credsStore;
  if (typeof store === 'string' && HELPER_NAME_RE.test(store)) {
    return { kind: 'helper', helper: store, serverUrl: helperServerUrl(registry) };
  }

  return { kind: 'none' };
}

/**
 * Reads a credential helper's `get` output (`{ServerURL, Username, Secret}`); the user name
 * `<token>` marks an identity token (docker-credential-helpers protocol).
 */
export function parseHelperOutput(output: unknown): Credential | undefined {
  if (!isRecord(output) || typeof output.Secret !== 'string' || output.Secret === '') {
    return undefined;
  }

  const username = typeof output.Username === 'string' ? output.Username : '';
  if (username === '<token>') {
    return { kind: 'identity', identityToken: output.Secret };
  }

  return { kind: 'basic', username, password: output.Secret };
}

/** Redacts a credential for messages: the user name only, never a secret. */
export function describeCredential(credential: Credential): string {
  if (credential.kind === 'basic') {
    return `user "${credential.username}"`;
  }

  return 'an identity token';
}

function decodeEntry(entry: AuthEntry): Credential | undefined {
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
    const username = typeof entry.username === 'string' ? entry.username : undefined;
    return { kind: 'identity', identityToken: entry.identitytoken, username };
  }

  if (typeof entry.username === 'string' && typeof entry.password === 'string') {
    return { kind: 'basic', username: entry.username, password: entry.password };
  }

  if (typeof entry.auth !== 'string' || entry.auth === '') {
    return undefined;
  }

  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    return undefined;
  }

  return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function hostKeys(registry: string): string[] {
  return isDockerHub(registry) ? ['docker.io', 'index.docker.io', registry] : [registry];
}

// containers-auth.json allows `host/namespace/repo` keys, most specific first; Docker writes
// `https://index.docker.io/v1/` for Docker Hub and accepts URL forms for other hosts.
function candidateKeys(registry: string, repository: string): string[] {
  const keys: string[] = [];
  const parts = repository.split('/');
  for (const host of hostKeys(registry)) {
    for (let n = parts.length; n > 0; n -= 1) {
      keys.push(`${host}/${parts.slice(0, n).join('/')}`);
    }
  }

  for (const host of hostKeys(registry)) {
    keys.push(host, `https://${host}/v1/`, `https://${host}/v2/`, `https://${host}`);
    keys.push(`http://${host}`);
  }

  return keys;
}

function helperServerUrl(registry: string): string {
  return isDockerHub(registry) ? 'https://index.docker.io/v1/' : registry;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
