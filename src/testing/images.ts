// Builds multi-layer OCI image layouts (image-spec image-layout.md) for tests, written
// directly: layer tars from directories or hand-written file lists, a config with exact
// diff_ids and history, a manifest and index.json. Writing by hand (rather than umoci) lets
// tests control history, media types and layer bytes exactly; images.test.ts checks the
// result against skopeo and umoci.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEntry } from '../image/types.js';
import { cachedDir, cacheKey } from './cache.js';
import { writeLayerBlob } from './layer-blob.js';
import type { Compression, LayerBlob } from './layer-blob.js';
import { entriesFromDir, entriesFromFiles } from './layer-entries.js';
import type { FileSpec } from './layer-entries.js';
import { tagInLayout } from './layout-index.js';

export type { Compression, LayerBlob } from './layer-blob.js';
export type { FileSpec } from './layer-entries.js';
export { buildPlatformIndex, tagInLayout } from './layout-index.js';

/** A layer: a directory's contents (optionally under `prefix`), or a hand-written list. */
export type LayerSpec = (
  | { from: string; prefix?: string }
  | { files: Record<string, FileSpec>; implicitDirs?: boolean }
) & { compression?: Compression; createdBy?: string };

export interface ImageSpec {
  layers: LayerSpec[];
  /** Must hold one entry without `empty_layer` per layer; generated from `createdBy` if absent. */
  history?: HistoryEntry[];
  /**
   * `oci` media types (default) or Docker v2 schema 2 ones (no zstd there). skopeo's `oci:`
   * transport reads only the first; `toDockerArchive` makes a real Docker-form image.
   */
  format?: 'oci' | 'docker';
  compression?: Compression;
  gzipLevel?: number;
  tag?: string;
  architecture?: string;
  os?: string;
  created?: string;
  /** The config's `config` object: Env, Cmd, User, Labels… */
  runConfig?: Record<string, unknown>;
}

export interface BuiltImage {
  layout: string;
  tag: string;
  /** `oci:LAYOUT:TAG`, as skopeo and `moat sbom` take it. */
  reference: string;
  manifestDigest: string;
  configDigest: string;
  config: Record<string, unknown>;
  layers: LayerBlob[];
}

const MEDIA = {
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: {
      gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
      zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
      none: 'application/vnd.oci.image.layer.v1.tar',
    },
  },
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: {
      gzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      zstd: undefined,
      none: 'application/vnd.docker.image.rootfs.diff.tar',
    },
  },
} as const;

// What cachedImage keeps beside a cached layout (extra files are allowed in a layout).
const BUILT_FILE = 'moat-built.json';
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Writes the image described by `spec` as an OCI layout in `layout` (created if missing),
 * tagged `spec.tag`; other tags already in the layout are kept, so images can share one.
 * Throws an Error on an inconsistent spec (history vs layers, zstd in Docker format) or
 * when a layer source cannot be read.
 */
export async function buildImage(layout: string, spec: ImageSpec): Promise<BuiltImage> {
  const format = spec.format ?? 'oci';
  const tag = spec.tag ?? 'latest';
  const created = spec.created ?? '2024-01-01T00:00:00Z';
  const history = spec.history ?? spec.layers.map((layer, i) => ({
    created,
    created_by: layer.createdBy ?? `COPY layer-${i} /`,
  }));
  checkHistory(history, spec.layers.length);

  const blobs = join(layout, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const layers: LayerBlob[] = [];
  for (const layer of spec.layers) {
    const compression = layer.compression ?? spec.compression ?? 'gzip';
    if (MEDIA[format].layer[compression] === undefined) {
      throw new Error(`${compression} layers cannot be written in ${format} format`);
    }

    const entries = 'from' in layer
      ? entriesFromDir(layer.from, layer.prefix)
      : entriesFromFiles(layer.files, layer.implicitDirs);
    layers.push(await writeLayerBlob(entries, blobs, compression, spec.gzipLevel));
  }

  const config = {
    created,
    architecture: spec.architecture ?? 'amd64',
    os: spec.os ?? 'linux',
    config: spec.runConfig ?? { Env: [DEFAULT_PATH] },
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    history,
  };
  const configDesc = await writeJsonBlob(blobs, MEDIA[format].config, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA[format].manifest,
    config: configDesc,
    layers: layers.map((layer) => ({
      mediaType: MEDIA[format].layer[layer.compression] as string,
      digest: layer.digest,
      size: layer.size,
    })),
  };
  const manifestDesc = await writeJsonBlob(blobs, MEDIA[format].manifest, manifest);

  await writeFile(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await tagInLayout(layout, tag, manifestDesc);
  return {
    layout,
    tag,
    reference: `oci:${layout}:${tag}`,
    manifestDigest: manifestDesc.digest,
    configDigest: configDesc.digest,
    config,
    layers,
  };
}

/**
 * `buildImage` into the fixture cache under `name` (plus a hash of the spec), so the second
 * build of the same image in a run, or in the next run, is instant. Treat it as read-only.
 * The key covers the spec, not the contents of `from` directories: use cached sources.
 */
export async function cachedImage(name: string, spec: ImageSpec): Promise<BuiltImage> {
  const key = cacheKey(`image-${name}`, [JSON.stringify(spec)]);
  const dir = await cachedDir(key, async (tmp) => {
    const built = await buildImage(tmp, spec);
    await writeFile(join(tmp, BUILT_FILE), JSON.stringify(built));
  });

  const saved = JSON.parse(await readFile(join(dir, BUILT_FILE), 'utf8')) as BuiltImage;
  return { ...saved, layout: dir, reference: `oci:${dir}:${saved.tag}` };
}

function checkHistory(history: HistoryEntry[], layerCount: number): void {
  const nonEmpty = history.filter((entry) => entry.empty_layer !== true).length;
  if (nonEmpty !== layerCount) {
    throw new Error(`history has ${nonEmpty} non-empty entries for ${layerCount} layers`);
  }
}

async function writeJsonBlob(blobs: string, mediaType: string, value: unknown) {
  const bytes = Buffer.from(JSON.stringify(value));
  const hex = createHash('sha256').update(bytes).digest('hex');
  await writeFile(join(blobs, hex), bytes);
  return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
}
