// Entry point for pulling images from OCI distribution registries (docker:// references).
import { resolveLimits, type ImageLimits } from '../limits.js';
import type { ImageSource, Platform } from '../types.js';
import { Authorizer } from './auth.js';
import { RepositoryClient } from './client.js';
import { authFilePaths, findCredential } from './credential-files.js';
import { formatRegistryReference, parseRegistryReference } from './reference.js';
import { RegistrySource } from './source.js';
import { Transport, type RetryInfo } from './transport.js';
import type { RetryPolicy } from './retry.js';

export { RegistryError, type RegistryErrorCode } from './errors.js';
export { parseRegistryReference, type RegistryReference } from './reference.js';
export type { RetryInfo } from './transport.js';

export interface RegistrySourceOptions {
  /** The platform to pick from an index; the host's when absent. */
  platform?: Platform;
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
  limits?: Partial<ImageLimits>;
}

/**
 * Opens `docker://HOST/REPO:TAG`, `HOST/REPO@sha256:…` or a Docker Hub name. Nothing is sent
 * until `resolve()`.
 * @throws ImageError `INVALID_REFERENCE` for a malformed reference.
 */
export async function openRegistrySource(
  reference: string,
  options: RegistrySourceOptions = {},
): Promise<{ source: ImageSource }> {
  const ref = parseRegistryReference(reference);
  const insecure = options.insecure ?? false;
  const transport = new Transport({
    insecure,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
  });
  const search = {
    env: options.env ?? process.env,
    ...(options.authFile === undefined ? {} : { authFile: options.authFile }),
  };
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
  });
  const source = new RegistrySource({
    input: reference,
    reference: ref,
    client,
    limits: resolveLimits(options.limits),
    ...(options.platform === undefined ? {} : { platform: options.platform }),
  });
  return { source };
}
