// Entry point for pulling images from OCI distribution registries (docker:// references).
import { resolveLimits, type ImageLimits } from '../limits.js';
import type { ImageSource, Platform } from '../types.js';
import { connectRepository, type ConnectOptions } from './connect.js';
import { parseRegistryReference } from './reference.js';
import { RegistrySource } from './source.js';

export { RegistryError, type RegistryErrorCode } from './errors.js';
export { parseRegistryReference, type RegistryReference } from './reference.js';
export type { RetryInfo } from './transport.js';

export interface RegistrySourceOptions extends ConnectOptions {
  /** The platform to pick from an index; the host's when absent. */
  platform?: Platform;
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
  const { client } = connectRepository(ref, options);
  const source = new RegistrySource({
    input: reference,
    reference: ref,
    client,
    limits: resolveLimits(options.limits),
    ...(options.platform === undefined ? {} : { platform: options.platform }),
  });
  return { source };
}
