// Finds the Sigstore bundles attached to an image as cosign v3 stores them: an OCI artifact
// of artifactType `application/vnd.dev.sigstore.bundle.v0.3+json` whose `subject` is the
// image and whose single layer is the bundle JSON. They are listed through the referrers API
// or, on registries without it, the referrers tag schema (`sha256-<hex>` index, distribution
// spec v1.1) that go-containerregistry, and so cosign, falls back to.
import { isDigest, parseDigest, verifyBuffer } from '../image/digest.js';
import { ImageError } from '../image/errors.js';
import type { Descriptor } from '../image/types.js';
import { MAX_BUNDLE_BYTES } from './keyless.js';
import { referrerDigests } from './referrers.js';
import type { SignatureStore } from './store.js';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** A bundle found for the image, or why the artifact found holds none that can be read. */
export type FoundBundle =
  | { source: string; bytes: Buffer }
  | { source: string; reason: string };

/** `sha256:abc…` → `sha256-abc…`, the referrers tag schema's tag for that subject. */
export function referrersTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}`;
}

/**
 * The bundles attached to the manifest `digest`, each with the referrer manifest it came in.
 * @throws RegistryError when the registry fails (not when an artifact is malformed).
 */
export async function collectBundles(
  store: SignatureStore,
  digest: string,
): Promise<FoundBundle[]> {
  const found: FoundBundle[] = [];
  for (const referrer of await listBundleReferrers(store, digest)) {
    const manifest = await store.getManifest({ digest: referrer });
    if (manifest === undefined) {
      found.push({ source: referrer, reason: 'the referrer manifest is gone' });
      continue;
    }

    found.push(await readBundleLayer(store, referrer, manifest.bytes));
  }

  return found;
}

async function listBundleReferrers(store: SignatureStore, digest: string): Promise<string[]> {
  const index = await store.referrers(digest, BUNDLE_MEDIA_TYPE) ??
    (await store.getManifest({ tag: referrersTag(digest) }))?.bytes;
  return index === undefined ? [] : referrerDigests(index, BUNDLE_MEDIA_TYPE);
}


async function readBundleLayer(
  store: SignatureStore,
  source: string,
  manifest: Buffer,
): Promise<FoundBundle> {
  const layer = singleBundleLayer(manifest);
  if (typeof layer === 'string') {
    return { source, reason: layer };
  }

  if (layer.size > MAX_BUNDLE_BYTES) {
    return { source, reason: `the bundle is over ${MAX_BUNDLE_BYTES} bytes` };
  }

  try {
    const bytes = await store.getBlob(layer, MAX_BUNDLE_BYTES);
    verifyBuffer(bytes, { ...layer, what: `bundle ${layer.digest}` });
    return { source, bytes };
  } catch (err) {
    // A missing or altered blob disqualifies this bundle; a network failure is an error.
    if (!(err instanceof ImageError)) {
      throw err;
    }

    return { source, reason: err.message };
  }
}

// The one bundle layer of a referrer manifest, or why there is none.
function singleBundleLayer(manifest: Buffer): Descriptor | string {
  let doc: { layers?: unknown };
  try {
    doc = JSON.parse(manifest.toString('utf8')) as { layers?: unknown };
  } catch {
    return 'the referrer manifest is not JSON';
  }

  const layers = Array.isArray(doc.layers) ? (doc.layers as unknown[]) : [];
  if (layers.length !== 1) {
    return `the bundle artifact has ${layers.length} layers, not one`;
  }

  const layer = layers[0] as Partial<Descriptor> | null;
  if (layer?.mediaType !== BUNDLE_MEDIA_TYPE || typeof layer.digest !== 'string' ||
    !isDigest(layer.digest) ||
    typeof layer.size !== 'number' || !Number.isSafeInteger(layer.size) || layer.size < 0) {
    return `the bundle artifact's layer is not a ${BUNDLE_MEDIA_TYPE} descriptor`;
  }

  return { mediaType: layer.mediaType, digest: layer.digest, size: layer.size };
}
