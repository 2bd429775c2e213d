// Signs an image in its registry the way cosign does: the simple-signing payload for the
// manifest digest becomes a layer of the `sha256-<hex>.sig` manifest (appended to any earlier
// signatures), and the same signature is attached through the referrers API.
import type { KeyObject } from 'node:crypto';
import { digestOf } from '../image/digest.js';
import { ImageError } from '../image/errors.js';
import { MediaType } from '../image/media-types.js';
import type { Descriptor } from '../image/types.js';
import {
  EMPTY_CONFIG,
  EMPTY_MEDIA_TYPE,
  MAX_SIGNATURE_LAYERS,
  SIMPLE_SIGNING_MEDIA_TYPE,
  readSignatureLayers,
  referrerManifest,
  signatureConfig,
  signatureManifest,
  signatureTag,
  type SignatureLayer,
} from './artifact.js';
import { TrustError } from './errors.js';
import { signManifest } from './signature.js';
import type { SignatureStore } from './store.js';

export interface SignOutcome {
  /** The signed manifest digest. */
  digest: string;
  signatureTag: string;
  signatureManifest: string;
  referrer: string;
  /** False when the registry ignored `subject` (no referrers API); the `.sig` tag still works. */
  referrerIndexed: boolean;
  /** The signature was already there: nothing new was added to the `.sig` manifest. */
  alreadySigned: boolean;
}

/**
 * Resolves `target` (a tag or digest) to its manifest digest, signs that digest and stores the
 * signature.
 * @throws ImageError `NOT_FOUND` when the image does not exist; TrustError, RegistryError.
 */
export async function signImage(
  store: SignatureStore,
  target: { tag?: string; digest?: string },
  privateKey: KeyObject,
  annotations: Record<string, string> | null = null,
): Promise<SignOutcome> {
  const subject = await store.getManifest(target);
  if (subject === undefined) {
    throw new ImageError('NOT_FOUND', `no image ${target.digest ?? target.tag ?? ''} in ` +
      `${store.repositoryName}; push it before signing`);
  }

  const digest = subject.descriptor.digest;
  const signed = signManifest(privateKey, store.repositoryName, digest, annotations);
  const payload = await store.pushBlob(signed.payload, SIMPLE_SIGNING_MEDIA_TYPE);
  const layer: SignatureLayer = { payload, signature: signed.signature };

  // Limitation: the `.sig` tag is read, extended and rewritten without a lock (as cosign
  // does); two concurrent signers can drop one another's layer. The referrer copy survives.
  const tag = signatureTag(digest);
  const existing = await store.getManifest({ tag });
  const layers = existing === undefined ? [] : readSignatureLayers(existing.bytes);
  const alreadySigned = layers.some((l) => sameLayer(l, layer));
  let sigManifest = existing?.descriptor.digest ?? '';
  if (!alreadySigned) {
    if (layers.length >= MAX_SIGNATURE_LAYERS) {
      throw new TrustError('ARTIFACT_INVALID', `${store.repositoryName}:${tag} already holds ` +
        `${layers.length} signatures, the most Moat keeps; remove old ones first`);
    }

    sigManifest = await putSignatures(store, tag, [...layers, layer]);
  }

  const referrer = await attachReferrer(store, layer, subject.descriptor);
  return {
    digest,
    signatureTag: tag,
    signatureManifest: sigManifest,
    referrer: referrer.descriptor.digest,
    referrerIndexed: referrer.subjectProcessed,
    alreadySigned,
  };
}

async function putSignatures(
  store: SignatureStore,
  tag: string,
  layers: SignatureLayer[],
): Promise<string> {
  const config = await store.pushBlob(signatureConfig(layers), MediaType.ociConfig);
  const manifest = signatureManifest(config, layers);
  const put = await store.putManifest(tag, manifest, MediaType.ociManifest);
  return put.descriptor.digest;
}

async function attachReferrer(
  store: SignatureStore,
  layer: SignatureLayer,
  subject: Descriptor,
): Promise<{ descriptor: Descriptor; subjectProcessed: boolean }> {
  const empty = await store.pushBlob(EMPTY_CONFIG, EMPTY_MEDIA_TYPE);
  const manifest = referrerManifest(empty, layer, subject);
  return store.putManifest(digestOf(manifest), manifest, MediaType.ociManifest);
}

function sameLayer(a: SignatureLayer, b: SignatureLayer): boolean {
  return a.payload.digest === b.payload.digest && a.signature === b.signature;
}
