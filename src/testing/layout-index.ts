// The top-level `index.json` of an OCI layout (image-spec image-layout.md): several images
// may share one layout, each under its own `org.opencontainers.image.ref.name`, and a tag
// may name an image index of several platforms (image-spec image-index.md).
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Descriptor, Platform } from '../image/types.js';
import type { BuiltImage } from './images.js';

export const REF_NAME = 'org.opencontainers.image.ref.name';
export const INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';

interface LayoutIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
}

/**
 * Points `tag` at `desc` in the layout's index.json, keeping every other tag (and untagged
 * entries); a previous entry with the same tag is replaced.
 */
export async function tagInLayout(layout: string, tag: string, desc: Descriptor): Promise<void> {
  const path = join(layout, 'index.json');
  const existing = await readFile(path, 'utf8')
    .then((text) => JSON.parse(text) as LayoutIndex)
    .catch(() => undefined);
  const kept = (existing?.manifests ?? []).filter((m) => m.annotations?.[REF_NAME] !== tag);
  const index: LayoutIndex = {
    schemaVersion: 2,
    mediaType: INDEX_MEDIA_TYPE,
    manifests: [...kept, { ...desc, annotations: { ...desc.annotations, [REF_NAME]: tag } }],
  };
  await writeFile(path, JSON.stringify(index));
}

/**
 * Writes an image index of `images` (each built into `layout` with `buildImage`) and tags it
 * `tag`; returns the index's descriptor. Platforms default to each config's os/architecture.
 */
export async function buildPlatformIndex(
  layout: string,
  tag: string,
  images: ReadonlyArray<{ image: BuiltImage; platform?: Platform }>,
): Promise<Descriptor> {
  const blobs = join(layout, 'blobs', 'sha256');
  const manifests: Descriptor[] = [];
  for (const { image, platform } of images) {
    const hex = image.manifestDigest.slice('sha256:'.length);
    const manifest = await readFile(join(blobs, hex));
    const mediaType = (JSON.parse(manifest.toString('utf8')) as { mediaType: string }).mediaType;
    const config = image.config as { os?: string; architecture?: string };
    manifests.push({
      mediaType,
      digest: image.manifestDigest,
      size: manifest.length,
      platform: platform ?? { os: config.os ?? 'linux', architecture: config.architecture ?? '' },
    });
  }

  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE,
    manifests }));
  const hex = createHash('sha256').update(bytes).digest('hex');
  await writeFile(join(blobs, hex), bytes);
  const desc = { mediaType: INDEX_MEDIA_TYPE, digest: `sha256:${hex}`, size: bytes.length };
  await tagInLayout(layout, tag, desc);
  return desc;
}
