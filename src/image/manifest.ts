// Parsing and validating manifests, indexes and configs (OCI image-spec manifest.md,
// image-index.md, config.md; Docker manifest v2 schema 2). Untrusted JSON becomes typed data
// or a MANIFEST_INVALID / CONFIG_INVALID / UNSUPPORTED_MEDIA_TYPE error, never a crash.
import { isDigest } from './digest.js';
import { ImageError } from './errors.js';
import {
  CONFIG_MEDIA_TYPES,
  INDEX_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  isLayerMediaType,
} from './media-types.js';
import type { Descriptor, ImageConfig, Platform } from './types.js';

export * from './media-types.js';
export { formatPlatform, hostPlatform, parsePlatform, selectPlatform } from './platform.js';
export { createDigestVerifier, digestOf, parseDigest, verifyBuffer } from './digest.js';

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export type ManifestDocument =
  | { kind: 'manifest'; manifest: ImageManifest }
  | { kind: 'index'; index: ImageIndex };

type Json = Record<string, unknown>;

/**
 * Parses a manifest or index. `mediaType` is what the descriptor or server declared; the
 * document's own `mediaType` must agree with it. `what` names the document in errors.
 * @throws ImageError MANIFEST_INVALID, UNSUPPORTED_MEDIA_TYPE, LIMIT_EXCEEDED.
 */
export function parseManifestDocument(
  bytes: Buffer,
  options: { mediaType?: string; maxBytes: number; what: string },
): ManifestDocument {
  const json = parseJsonObject(bytes, options.maxBytes, options.what, 'MANIFEST_INVALID');
  if (json.schemaVersion !== 2) {
    throw invalid(options.what, 'schemaVersion must be 2 (Docker schema 1 is not supported)');
  }

  const declared = optionalString(json.mediaType, options.what, 'mediaType');
  if (declared !== undefined && options.mediaType !== undefined && declared !== options.mediaType) {
    throw invalid(options.what, `it declares ${declared} but was served as ${options.mediaType}`);
  }

  const mediaType = declared ?? options.mediaType ?? guessMediaType(json);
  const annotations = stringMap(json.annotations, options.what);
  if (INDEX_MEDIA_TYPES.includes(mediaType)) {
    const manifests = descriptorList(json.manifests, options.what, 'manifests');
    return { kind: 'index', index: { schemaVersion: 2, mediaType, manifests, annotations } };
  }

  if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) {
    throw new ImageError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${options.what} has media type "${mediaType.slice(0, 200)}", which is not an image ` +
        'manifest or index; point Moat at a container image',
    );
  }

  const config = parseDescriptor(json.config, options.what, 'config');
  if (!CONFIG_MEDIA_TYPES.includes(config.mediaType)) {
    throw new ImageError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${options.what} has a config of type "${config.mediaType.slice(0, 200)}": it is an ` +
        'artifact, not a container image',
    );
  }

  const layers = descriptorList(json.layers, options.what, 'layers');
  layers.forEach((layer, index) => {
    if (!isLayerMediaType(layer.mediaType)) {
      throw new ImageError(
        'UNSUPPORTED_MEDIA_TYPE',
        `${options.what}: layer ${index} (${layer.digest}) has media type ` +
          `"${layer.mediaType.slice(0, 200)}", which is not a tar, tar+gzip or tar+zstd layer`,
      );
    }
  });
  const manifest: ImageManifest = { schemaVersion: 2, mediaType, config, layers, annotations };
  return { kind: 'manifest', manifest };
}

/**
 * Parses an image config, keeping the parts Moat reads.
 * @throws ImageError CONFIG_INVALID, LIMIT_EXCEEDED.
 */
export function parseImageConfig(bytes: Buffer, maxBytes: number, what: string): ImageConfig {
  const json = parseJsonObject(bytes, maxBytes, what, 'CONFIG_INVALID');
  const rootfs = json.rootfs as Json | undefined;
  if (typeof rootfs !== 'object' || rootfs === null || !Array.isArray(rootfs.diff_ids)) {
    throw new ImageError('CONFIG_INVALID', `${what} has no rootfs.diff_ids; rebuild the image`);
  }

  const diffIds = rootfs.diff_ids as unknown[];
  if (!diffIds.every((id) => typeof id === 'string' && isDigest(id))) {
    throw new ImageError('CONFIG_INVALID', `${what} has a malformed rootfs.diff_ids entry`);
  }

  const history = Array.isArray(json.history) ? json.history : [];
  return {
    architecture: typeof json.architecture === 'string' ? json.architecture : undefined,
    os: typeof json.os === 'string' ? json.os : undefined,
    variant: typeof json.variant === 'string' ? json.variant : undefined,
    config: isObject(json.config) ? json.config : undefined,
    rootfs: { type: String(rootfs.type ?? 'layers'), diff_ids: diffIds as string[] },
    history: history.filter(isObject).map((entry) => ({
      created: typeof entry.created === 'string' ? entry.created : undefined,
      created_by: typeof entry.created_by === 'string' ? entry.created_by : undefined,
      comment: typeof entry.comment === 'string' ? entry.comment : undefined,
      empty_layer: entry.empty_layer === true,
    })),
  };
}

/**
 * Validates one descriptor (image-spec descriptor.md).
 * @throws ImageError MANIFEST_INVALID.
 */
export function parseDescriptor(value: unknown, what: string, field: string): Descriptor {
  if (!isObject(value)) {
    throw invalid(what, `${field} is not a descriptor object`);
  }

  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || typeof digest !== 'string' || !isDigest(digest)) {
    throw invalid(what, `${field} needs a mediaType and a sha256/sha512 digest`);
  }

  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw invalid(what, `${field} has an invalid size`);
  }

  const desc: Descriptor = { mediaType, digest, size };
  const annotations = stringMap(value.annotations, what);
  if (annotations !== undefined) {
    desc.annotations = annotations;
  }

  const platform = isObject(value.platform) ? value.platform : {};
  const { os, architecture } = platform;
  if (typeof os === 'string' && typeof architecture === 'string') {
    const parsed: Platform = { os, architecture };
    if (typeof platform.variant === 'string' && platform.variant !== '') {
      parsed.variant = platform.variant;
    }

    desc.platform = parsed;
  }

  return desc;
}

function parseJsonObject(
  bytes: Buffer,
  maxBytes: number,
  what: string,
  code: 'MANIFEST_INVALID' | 'CONFIG_INVALID',
): Json {
  if (bytes.length > maxBytes) {
    throw new ImageError(
      'LIMIT_EXCEEDED',
      `${what} is ${bytes.length} bytes, over the ${maxBytes}-byte limit`,
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new ImageError(code, `${what} is not valid JSON; the image is corrupt`, { cause });
  }

  if (!isObject(json)) {
    throw new ImageError(code, `${what} is not a JSON object; the image is corrupt`);
  }

  return json;
}

function guessMediaType(json: Json): string {
  const types = Array.isArray(json.manifests) ? INDEX_MEDIA_TYPES : MANIFEST_MEDIA_TYPES;
  return types[0] as string;
}

function descriptorList(value: unknown, what: string, field: string): Descriptor[] {
  if (!Array.isArray(value)) {
    throw invalid(what, `${field} is not a list`);
  }

  return value.map((item, index) => parseDescriptor(item, what, `${field}[${index}]`));
}

function optionalString(value: unknown, what: string, field: string): string | undefined {
  if (value === undefined || typeof value === 'string') {
    return value;
  }

  throw invalid(what, `${field} is not a string`);
}

function stringMap(value: unknown, what: string): Record<string, string> | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }

  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalid(what, 'annotations must map strings to strings');
  }

  return value as Record<string, string>;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(what: string, detail: string): ImageError {
  return new ImageError(
    'MANIFEST_INVALID',
    `${what} is invalid: ${detail}; the image is corrupt or not a container image`,
  );
}
