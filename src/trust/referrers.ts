// Lists the referrers of an image manifest of one artifact type (image-spec v1.1 referrers
// API). Registries without the API answer 404 (or 400/405/501): then there are none.
import { isDigest } from '../image/digest.js';
import type { SignatureStore } from './store.js';

/** Referrer artifacts examined per image and artifact type. */
export const MAX_REFERRERS = 64;

/** The digests of the referrers of `digest` whose artifact type is `artifactType`. */
export async function listReferrers(
  store: SignatureStore,
  digest: string,
  artifactType: string,
): Promise<string[]> {
  const index = await store.referrers(digest, artifactType);
  if (index === undefined) {
    return [];
  }

  return referrerDigests(index, artifactType);
}

/**
 * The digests an image index lists with `artifactType`, at most MAX_REFERRERS; an unreadable
 * index lists none. A registry may ignore the artifactType filter (no OCI-Filters-Applied), so
 * the filter is applied again here.
 */
export function referrerDigests(index: Buffer, artifactType: string): string[] {
  let doc: { manifests?: unknown };
  try {
    doc = JSON.parse(index.toString('utf8')) as { manifests?: unknown };
  } catch {
    return [];
  }

  const manifests = Array.isArray(doc.manifests) ? (doc.manifests as unknown[]) : [];
  return manifests
    .map((m) => m as { digest?: unknown; artifactType?: unknown } | null)
    .filter((m) => m?.artifactType === artifactType && typeof m.digest === 'string' &&
      isDigest(m.digest))
    .map((m) => m?.digest as string)
    .slice(0, MAX_REFERRERS);
}
