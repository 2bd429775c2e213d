// Checks a pushed manifest (distribution-spec "Pushing Manifests", image-spec manifest.md and
// image-index.md) and lists what it references. Unlike image/manifest.ts, which reads images
// for scanning, a registry must accept artifacts: any config and layer media type.
import { parseDescriptor } from '../image/manifest.js';
import { ImageError } from '../image/errors.js';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, isForeignLayer } from '../image/media-types.js';
import type { Descriptor } from '../image/types.js';
import { RegistryError } from './errors.js';
import type { ManifestReferences } from './metadata.js';

/** Distribution implementations commonly cap manifests at 4 MiB. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface CheckedManifest {
  mediaType: string;
  refs: ManifestReferences;
  subject?: string;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/**
 * Validates manifest bytes sent with `contentType`.
 * @throws RegistryError MANIFEST_INVALID (400) or SIZE_INVALID (413).
 */
export function checkManifest(content: Buffer, contentType: string | undefined): CheckedManifest {
  if (content.length > MAX_MANIFEST_BYTES) {
    throw new RegistryError('SIZE_INVALID', 413, `the manifest is ${content.length} bytes, ` +
      `over the ${MAX_MANIFEST_BYTES}-byte limit: split the image or its annotations`);
  }

  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (cause) {
    throw invalid('it is not valid JSON', cause);
  }

  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid('it is not a JSON object');
  }

  const doc = json as Record<string, unknown>;
  if (doc.schemaVersion !== 2) {
    throw invalid('schemaVersion must be 2');
  }

  const mediaType = resolveMediaType(doc, contentType);
  try {
    return INDEX_MEDIA_TYPES.includes(mediaType)
      ? checkIndex(doc, mediaType)
      : checkImageManifest(doc, mediaType);
  } catch (err) {
    if (err instanceof ImageError) {
      throw invalid(err.message, err);
    }

    throw err;
  }
}

function resolveMediaType(doc: Record<string, unknown>, contentType: string | undefined): string {
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const sent = contentType?.split(';')[0]?.trim();
  const mediaType = declared ?? sent;
  if (mediaType === undefined || mediaType === '') {
    throw invalid('send its media type in Content-Type or in its mediaType field');
  }

  if (declared !== undefined && sent !== undefined && sent !== '' && sent !== declared) {
    throw invalid(`Content-Type ${sent} disagrees with its mediaType ${declared}`);
  }

  if (![...MANIFEST_MEDIA_TYPES, ...INDEX_MEDIA_TYPES].includes(mediaType)) {
    throw new RegistryError('MANIFEST_INVALID', 400, `manifest media type "${
      mediaType.slice(0, 100)}" is not supported: push an OCI or Docker v2 manifest or index`);
  }

  return mediaType;
}

function checkImageManifest(doc: Record<string, unknown>, mediaType: string): CheckedManifest {
  const config = parseDescriptor(doc.config, 'the manifest', 'config');
  if (!Array.isArray(doc.layers)) {
    throw invalid('layers is not a list');
  }

  const layers = doc.layers.map((l, i) => parseDescriptor(l, 'the manifest', `layers[${i}]`));
  // Non-distributable layers live elsewhere (image-spec layer.md); the registry need not hold them.
  const blobs = [config, ...layers.filter((l) => !isForeignLayer(l.mediaType))];
  // distribution-spec "Listing Referrers": without artifactType, the config's media type.
  const artifactType = optionalString(doc.artifactType, 'artifactType') ?? config.mediaType;
  return { mediaType, refs: { blobs: unique(blobs), manifests: [] }, ...common(doc), artifactType };
}

function checkIndex(doc: Record<string, unknown>, mediaType: string): CheckedManifest {
  if (!Array.isArray(doc.manifests)) {
    throw invalid('manifests is not a list');
  }

  const manifests = doc.manifests.map((m, i) =>
    parseDescriptor(m, 'the index', `manifests[${i}]`));
  const artifactType = optionalString(doc.artifactType, 'artifactType');
  return {
    mediaType,
    refs: { blobs: [], manifests: unique(manifests) },
    ...common(doc),
    ...(artifactType === undefined ? {} : { artifactType }),
  };
}

function common(doc: Record<string, unknown>): Pick<CheckedManifest, 'subject' | 'annotations'> {
  const subject = doc.subject === undefined
    ? undefined
    : parseDescriptor(doc.subject, 'the manifest', 'subject').digest;
  const annotations = doc.annotations;
  if (annotations !== undefined && (typeof annotations !== 'object' || annotations === null ||
    !Object.values(annotations).every((v) => typeof v === 'string'))) {
    throw invalid('annotations must map strings to strings');
  }

  return {
    ...(subject === undefined ? {} : { subject }),
    ...(annotations === undefined ? {} : { annotations: annotations as Record<string, string> }),
  };
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || typeof value === 'string') {
    return value;
  }

  throw invalid(`${field} is not a string`);
}

function unique(descriptors: Descriptor[]): string[] {
  return [...new Set(descriptors.map((d) => d.digest))];
}

function invalid(detail: string, cause?: unknown): RegistryError {
  return new RegistryError('MANIFEST_INVALID', 400, `invalid manifest: ${detail}`, { cause });
}
