// Fetches manifests and small blobs from a repository (distribution-spec "Pulling manifests"):
// the first manifest by tag or digest, verified by digest; children and configs by digest.
import { digestOf, verifyBuffer } from '../digest.js';
import { ImageError } from '../errors.js';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, MediaType } from '../media-types.js';
import type { Descriptor } from '../types.js';
import { readLimited } from './body.js';
import type { RepositoryClient } from './client.js';

/** Every manifest and index type Moat reads, OCI first (sent as `Accept`). */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
].join(', ');

export interface FetchedManifest {
  /** Descriptor of the manifest as fetched: its digest and size are verified. */
  descriptor: Descriptor;
  bytes: Buffer;
}

/**
 * Fetches the manifest a tag or digest names. By digest, the bytes must hash to it; by tag,
 * they must hash to the registry's `Docker-Content-Digest` when it sends one.
 * @throws ImageError DIGEST_MISMATCH, LIMIT_EXCEEDED, NOT_FOUND; RegistryError.
 */
export async function fetchManifest(
  client: RepositoryClient,
  ref: { tag?: string; digest?: string },
  maxBytes: number,
  what: string,
): Promise<FetchedManifest> {
  const target = ref.digest ?? ref.tag ?? 'latest';
  const reply = await client.get('manifests', target, what, { accept: MANIFEST_ACCEPT });
  const bytes = await readLimited(reply, maxBytes, what);
  const headerDigest = reply.response.headers.get('docker-content-digest');
  const digest = ref.digest ?? digestOf(bytes, algorithmOf(headerDigest));

  verifyBuffer(bytes, { digest, size: bytes.length, what });
  if (headerDigest !== null && headerDigest !== digest && ref.digest === undefined) {
    throw new ImageError(
      'DIGEST_MISMATCH',
      `${what} hashed to ${digest}, but the registry says ${headerDigest.slice(0, 140)}; the ` +
        'manifest was altered in transit or the registry is faulty: try again, pull by digest',
    );
  }

  const contentType = reply.response.headers.get('content-type');
  const mediaType = documentMediaType(bytes, contentType);
  return { descriptor: { mediaType, digest, size: bytes.length }, bytes };
}

/** Reads a blob's bytes whole (configs); the caller verifies them. */
export async function fetchSmallBlob(
  client: RepositoryClient,
  desc: Descriptor,
  maxBytes: number,
  what: string,
): Promise<Buffer> {
  if (desc.size > maxBytes) {
    throw new ImageError(
      'LIMIT_EXCEEDED',
      `${what} is ${desc.size} bytes, over the ${maxBytes}-byte limit`,
    );
  }

  const reply = await client.get('blobs', desc.digest, what);
  return readLimited(reply, maxBytes, what);
}

/** True when a descriptor names a manifest or index (fetched from `/manifests/`). */
export function isManifestDescriptor(desc: Descriptor): boolean {
  const type = desc.mediaType;
  return MANIFEST_MEDIA_TYPES.includes(type) || INDEX_MEDIA_TYPES.includes(type);
}

// Docker-Content-Digest may use another algorithm than sha256; hash the same way to compare.
function algorithmOf(digest: string | null): 'sha256' | 'sha512' {
  return digest?.startsWith('sha512:') === true ? 'sha512' : 'sha256';
}

// Some registries serve manifests as `application/json`: then the document's own
// `mediaType` field decides, and the parser validates it either way.
function documentMediaType(bytes: Buffer, contentType: string | null): string {
  const served = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (MANIFEST_MEDIA_TYPES.includes(served) || INDEX_MEDIA_TYPES.includes(served)) {
    return served;
  }

  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    if (typeof parsed.mediaType === 'string') {
      return parsed.mediaType;
    }

    return Array.isArray(parsed.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
  } catch {
    // The parser reports malformed JSON with a better message.
    return MediaType.ociManifest;
  }
}
