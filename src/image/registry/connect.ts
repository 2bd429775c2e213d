// One connection to one repository: the transport, the authorizer that finds credentials
// and answers challenges, and the client that speaks the distribution API. Pulls and pushes
// both start here.
import { Authorizer } from './auth.js';
import { RepositoryClient } from './client.js';
import { authFilePaths, findCredential } from './credential-files.js';
import { formatRegistryReference, type RegistryReference } from './reference.js';
import type { RetryPolicy } from './retry.js';
import { Transport, type RetryInfo } from './transport.js';

export interface ConnectOptions {
  /** Talk plain HTTP to a non-loopback registry (it does not relax TLS verification). */
  insecure?: boolean;
  /** Read credentials from this file only (`--authfile`). */
  authFile?: string;
  /** Environment for credential lookup; `process.env` when absent. */
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  onRetry?: (info: RetryInfo) => void;
  /** Test hooks for backoff: sleep, clock and jitter. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  /** The token scope reads ask for: `pull`, or `pull,push` for a client that will write. */
  readScope?: 'pull' | 'pull,push';
}

export interface Connection {
  insecure: boolean;
  transport: Transport;
  authorizer: Authorizer;
  client: RepositoryClient;
}

/** Sets up the pieces for talking to `ref`'s repository; nothing is sent yet. */
export function connectRepository(ref: RegistryReference, options: ConnectOptions): Connection {
  const insecure = options.insecure ?? false;
  const { fetch, sleep, now, random, retry, timeoutMs, onRetry } = options;
  const transport = new Transport(
    definedOnly({ insecure, fetch, sleep, now, random, retry, timeoutMs, onRetry }),
  );
  const search = definedOnly({ env: options.env ?? process.env, authFile: options.authFile });
  const authorizer = new Authorizer({
    registry: ref.registry,
    transport,
    findCredential: () => findCredential(search, ref.registry, ref.repository),
    searchedFiles: authFilePaths(search),
  });
  const client = new RepositoryClient({
    registry: ref.registry,
    repository: ref.repository,
    reference: formatRegistryReference(ref),
    insecure,
    transport,
    authorizer,
    ...(options.readScope === undefined ? {} : { actions: options.readScope }),
  });

  return { insecure, transport, authorizer, client };
}

// Absent options must stay absent so the transport's own defaults apply.
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
