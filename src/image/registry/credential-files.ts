// Reads registry credentials from the files podman, skopeo and Docker write, in their order
// (containers-auth.json(5)), and runs `docker-credential-*` helpers without a shell.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RegistryError } from './errors.js';
import {
  lookupCredential,
  parseHelperOutput,
  type Credential,
} from './credentials.js';

export interface FoundCredential {
  credential: Credential;
  /** Where it came from, for messages: a file path or `docker-credential-NAME`. */
  origin: string;
}

export interface CredentialSearch {
  /** An explicit auth file (`--authfile`): the only file read. */
  authFile?: string;
  env: NodeJS.ProcessEnv;
}

const MAX_AUTH_FILE_BYTES = 1024 * 1024;
const MAX_HELPER_OUTPUT_BYTES = 64 * 1024;
const HELPER_TIMEOUT_MS = 15_000;

/** The auth files searched, in order, for messages and lookups. */
export function authFilePaths(search: CredentialSearch): string[] {
  if (search.authFile !== undefined) {
    return [search.authFile];
  }

  const { env } = search;
  const home = env.HOME ?? homedir();
  const paths: string[] = [];
  if (env.REGISTRY_AUTH_FILE) {
    paths.push(env.REGISTRY_AUTH_FILE);
  }

  if (env.XDG_RUNTIME_DIR) {
    paths.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  }

  paths.push(join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'containers', 'auth.json'));
  paths.push(join(env.DOCKER_CONFIG ?? join(home, '.docker'), 'config.json'));
  return paths;
}

/**
 * Finds credentials for a registry; undefined means pull anonymously.
 * @throws RegistryError `CREDENTIALS_INVALID` for an unreadable or malformed auth file, and
 *   `CREDENTIAL_HELPER_FAILED` when a configured helper fails.
 */
export async function findCredential(
  search: CredentialSearch,
  registry: string,
  repository: string,
): Promise<FoundCredential | undefined> {
  for (const path of authFilePaths(search)) {
    const document = await readAuthFile(path, search.authFile !== undefined);
    const found = lookupCredential(document, registry, repository);
    if (found.kind === 'credential') {
      return { credential: found.credential, origin: path };
    }

    if (found.kind === 'helper') {
      const credential = await runCredentialHelper(found.helper, found.serverUrl, search.env);
      return credential === undefined
        ? undefined
        : { credential, origin: `docker-credential-${found.helper}` };
    }
  }

  return undefined;
}

async function readAuthFile(path: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_AUTH_FILE_BYTES) {
      throw new RegistryError('CREDENTIALS_INVALID', `auth file ${path} is larger than 1 MiB`);
    }

    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof RegistryError) {
      throw err;
    }

    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }

    throw new RegistryError('CREDENTIALS_INVALID', `cannot read auth file ${path}`, { cause: err });
  }

  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parse error can quote file content, which holds secrets: leave it out.
    throw new RegistryError('CREDENTIALS_INVALID', `auth file ${path} is not valid JSON; fix it`);
  }
}

/** Runs `docker-credential-NAME get`; undefined when the helper has no entry or is missing. */
function runCredentialHelper(
  helper: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<Credential | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      ['get'],
      { env, timeout: HELPER_TIMEOUT_MS, maxBuffer: MAX_HELPER_OUTPUT_BYTES, shell: false },
      (err, stdout) => {
        if (err !== null && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          resolve(undefined);
          return;
        }

        // Helpers exit 1 with "credentials not found" when they hold nothing for the host.
        if (err !== null && /credentials not found/i.test(String(stdout))) {
          resolve(undefined);
          return;
        }

        if (err !== null) {
          const message = `${program} get failed for ${serverUrl}; check the helper's setup`;
          reject(new RegistryError('CREDENTIAL_HELPER_FAILED', message));
          return;
        }

        try {
          resolve(parseHelperStdout(program, stdout));
        } catch (parseErr) {
          reject(parseErr);
        }
      },
    );
    // A helper may exit without reading stdin; its exit status tells what happened.
    child.stdin?.on('error', () => undefined).end(serverUrl);
  });
}

function parseHelperStdout(program: string, stdout: string): Credential | undefined {
  try {
    return parseHelperOutput(JSON.parse(stdout) as unknown);
  } catch {
    const message = `${program} printed output that is not JSON`;
    throw new RegistryError('CREDENTIAL_HELPER_FAILED', message);
  }
}
