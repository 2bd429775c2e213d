// Test support for the registry client: builds small OCI images (one single-platform, one
// two-platform index) and pushes them into a test registry with the real skopeo, so tests
// read back what a real client wrote. Not used by the product.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildImage, type BuiltImage } from './images.js';
import { run } from './run.js';

const INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';

/** Builds a two-layer linux/amd64 image in `dir` (tag `v1`). */
export function buildSingleImage(dir: string): Promise<BuiltImage> {
  return buildImage(join(dir, 'single'), {
    tag: 'v1',
    layers: [
      { files: { 'etc/os-release': 'ID=moat\n', 'bin/hello': 'echo hello\n' } },
      { files: { 'srv/data.bin': noise(200_000) }, createdBy: 'COPY data /srv' },
    ],
  });
}

// Incompressible but reproducible bytes, so the layer blob is large enough to cut short.
function noise(length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i += 1) {
    blocks.push(createHash('sha256').update(`block ${i}`).digest());
  }

  return Buffer.concat(blocks).subarray(0, length);
}

/** Builds an OCI layout whose tag `multi` is an index of linux/amd64 and linux/arm64/v8. */
export async function buildMultiArchLayout(dir: string): Promise<{
  layout: string;
  indexDigest: string;
  images: Record<string, BuiltImage>;
}> {
  const layout = join(dir, 'multi');
  const images: Record<string, BuiltImage> = {};
  for (const architecture of ['amd64', 'arm64']) {
    images[architecture] = await buildImage(layout, {
      tag: architecture,
      architecture,
      layers: [{ files: { 'etc/arch': `${architecture}\n` } }],
    });
  }

  const entry = (arch: string, variant?: string) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: images[arch]?.manifestDigest,
    size: 0,
    platform: { os: 'linux', architecture: arch, ...(variant === undefined ? {} : { variant }) },
  });
  const manifests = [entry('amd64'), entry('arm64', 'v8')];
  for (const m of manifests) {
    const hex = (m.digest ?? '').slice('sha256:'.length);
    m.size = (await readFile(join(layout, 'blobs', 'sha256', hex))).length;
  }

  const indexJson = { schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests };
  const index = Buffer.from(JSON.stringify(indexJson));
  const hex = createHash('sha256').update(index).digest('hex');
  await writeFile(join(layout, 'blobs', 'sha256', hex), index);
  const top = {
    schemaVersion: 2,
    mediaType: INDEX_MEDIA_TYPE,
    manifests: [
      {
        mediaType: INDEX_MEDIA_TYPE,
        digest: `sha256:${hex}`,
        size: index.length,
        annotations: { 'org.opencontainers.image.ref.name': 'multi' },
      },
    ],
  };
  await writeFile(join(layout, 'index.json'), JSON.stringify(top));
  return { layout, indexDigest: `sha256:${hex}`, images };
}

/**
 * Copies `oci:LAYOUT:TAG` to `docker://HOST/REPO:TAG` with skopeo (`--all` keeps an index).
 * Throws when skopeo fails.
 */
export async function skopeoPush(
  source: string,
  target: string,
  options: { creds?: string; all?: boolean; authFile: string; format?: 'oci' | 'v2s2' },
): Promise<void> {
  const args = ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false'];
  args.push('--dest-authfile', options.authFile);
  if (options.creds !== undefined) {
    args.push('--dest-creds', options.creds);
  }

  if (options.format !== undefined) {
    args.push('--format', options.format);
  }

  if (options.all === true) {
    args.push('--all');
  }

  await run('skopeo', [...args, source, `docker://${target}`]);
}
