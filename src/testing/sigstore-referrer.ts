// Attaches a Sigstore bundle to an image as cosign v3 does, for tests: an OCI artifact of
// artifactType `application/vnd.dev.sigstore.bundle.v0.3+json` with the bundle as its only
// layer and the image as its subject. A registry without the referrers API gets the
// referrers tag schema index (`sha256-<hex>`) that go-containerregistry writes instead.
import { digestOf } from '../image/digest.js';
import { MediaType } from '../image/media-types.js';
import type { Descriptor } from '../image/types.js';
import { EMPTY_CONFIG, EMPTY_MEDIA_TYPE } from '../trust/artifact.js';
import { BUNDLE_MEDIA_TYPE, referrersTag } from '../trust/bundle-referrers.js';
import type { SignatureStore } from '../trust/store.js';

export interface AttachedBundle {
  referrer: string;
  /** Whether the registry indexed it through the referrers API (else the tag index holds it). */
  referrerIndexed: boolean;
}

/** Pushes `bundle` as a referrer of the image whose manifest is `subject`. */
export async function attachBundle(
  store: SignatureStore,
  subject: Descriptor,
  bundle: unknown,
): Promise<AttachedBundle> {
  const empty = await store.pushBlob(EMPTY_CONFIG, EMPTY_MEDIA_TYPE);
  const layer = await store.pushBlob(Buffer.from(JSON.stringify(bundle)), BUNDLE_MEDIA_TYPE);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: BUNDLE_MEDIA_TYPE,
    config: { mediaType: EMPTY_MEDIA_TYPE, size: empty.size, digest: empty.digest },
    layers: [{ mediaType: BUNDLE_MEDIA_TYPE, size: layer.size, digest: layer.digest }],
    subject: { mediaType: subject.mediaType, size: subject.size, digest: subject.digest },
  }));
  const put = await store.putManifest(digestOf(manifest), manifest, MediaType.ociManifest);
  if (!put.subjectProcessed) {
    await addToTagIndex(store, subject.digest, { ...put.descriptor,
      artifactType: BUNDLE_MEDIA_TYPE });
  }

  return { referrer: put.descriptor.digest, referrerIndexed: put.subjectProcessed };
}

async function addToTagIndex(store: SignatureStore, subject: string, entry: Descriptor) {
  const tag = referrersTag(subject);
  const existing = await store.getManifest({ tag });
  const manifests = existing === undefined ? []
    : (JSON.parse(existing.bytes.toString('utf8')) as { manifests: Descriptor[] }).manifests;
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [...manifests, entry],
  }));
  await store.putManifest(tag, index, MediaType.ociIndex);
}
