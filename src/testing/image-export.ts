// Converts a built OCI layout into the other forms Moat reads, with the real skopeo:
// oci-archive and docker-archive tarballs, and a push to a (loopback) registry.
import { join } from 'node:path';
import type { BuiltImage } from './images.js';
import { run } from './run.js';

/** Requirements for the converters, in `skipReason()` form. */
export const SKOPEO_NEEDS = { tools: ['skopeo'] };

// Test images are unsigned; tests must not depend on the machine's containers policy.json.
const GLOBAL = ['--insecure-policy'];

/**
 * Writes `image` as an oci-archive tarball in `dir`; returns `oci-archive:PATH:TAG`.
 * Throws when skopeo fails.
 */
export async function toOciArchive(image: BuiltImage, dir: string): Promise<string> {
  const path = join(dir, `${image.tag}.oci.tar`);
  await skopeoCopy(image.reference, `oci-archive:${path}:${image.tag}`);
  return `oci-archive:${path}:${image.tag}`;
}

/**
 * Writes `image` as a `docker save` style tarball named `name:TAG`; returns
 * `docker-archive:PATH`. skopeo stores the layers uncompressed there, as docker does.
 * Throws when skopeo fails.
 */
export async function toDockerArchive(
  image: BuiltImage,
  dir: string,
  name = 'moat/test',
): Promise<string> {
  const path = join(dir, `${image.tag}.docker.tar`);
  await skopeoCopy(image.reference, `docker-archive:${path}:${name}:${image.tag}`);
  return `docker-archive:${path}`;
}

/**
 * Pushes `image` to `http://HOST:PORT/REPO:TAG` (TLS not verified: a test registry) and
 * returns `HOST:PORT/REPO:TAG`. Throws when skopeo fails.
 */
export async function pushToRegistry(
  image: BuiltImage,
  hostPort: string,
  repo = 'moat/test',
  creds?: { username: string; password: string },
): Promise<string> {
  const target = `${hostPort}/${repo}:${image.tag}`;
  const extra = ['--dest-tls-verify=false'];
  if (creds !== undefined) {
    extra.push('--dest-creds', `${creds.username}:${creds.password}`);
  }

  await skopeoCopy(image.reference, `docker://${target}`, extra, creds ? [creds.password] : []);
  return target;
}

/**
 * `skopeo [globalFlags] inspect [--config|--raw] REF`, parsed (`--override-arch arm64` picks
 * a platform). Throws when skopeo fails.
 */
export async function skopeoInspect(
  reference: string,
  what: 'manifest' | 'config' | 'raw' = 'manifest',
  globalFlags: readonly string[] = [],
): Promise<Record<string, unknown>> {
  const flags = what === 'config' ? ['--config'] : what === 'raw' ? ['--raw'] : [];
  const args = [...GLOBAL, ...globalFlags, 'inspect', ...flags, reference];
  const { stdout } = await run('skopeo', args);
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function skopeoCopy(
  from: string,
  to: string,
  extra: string[] = [],
  secrets: string[] = [],
): Promise<void> {
  await run('skopeo', [...GLOBAL, 'copy', '--quiet', ...extra, from, to], { secrets });
}
