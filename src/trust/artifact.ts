// The OCI documents cosign stores signatures in (cosign specs/SIGNATURE_SPEC.md "Storage"):
// an image manifest tagged `sha256-<hex>.sig` whose layers are simple-signing payloads, each
// carrying its signature in an annotation; and, for the referrers API (image-spec v1.1), an
// artifact manifest with `subject` pointing at the signed image.
import { parseDigest } from '../image/digest.js';
import { MediaType } from '../image/media-types.js';
import type { Descriptor } from '../image/types.js';
import { TrustError } from './errors.js';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const SIGNATURE_ARTIFACT_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
/** The empty JSON blob image-spec v1.1 uses as the config of artifacts. */
export const EMPTY_CONFIG = Buffer.from('{}');
/** More signatures than this on one image are not examined. */
export const MAX_SIGNATURE_LAYERS = 256;

/** One signature: the payload blob's descriptor and the base64 signature over it. */
export interface SignatureLayer {
  payload: Descriptor;
  signature: string;
}

/** `sha256:abc…` → `sha256-abc….sig`, the tag cosign looks signatures up by. */
export function signatureTag(manifestDigest: string): string {
  const { algorithm, hex } = parseDigest(manifestDigest);
  return `${algorithm}-${hex}.sig`;
}

/**
 * The config cosign writes for a signature image: an empty image config whose rootfs lists
 * the payloads (they are uncompressed, so diff IDs equal layer digests).
 */
export function signatureConfig(layers: SignatureLayer[]): Buffer {
  const epoch = '0001-01-01T00:00:00Z';
  return Buffer.from(JSON.stringify({
    architecture: '',
    created: epoch,
    history: layers.map(() => ({ created: epoch })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.payload.digest) },
    config: {},
  }));
}

/** The `.sig` image manifest for these signatures, given the pushed config's descriptor. */
export function signatureManifest(config: Descriptor, layers: SignatureLayer[]): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: config.mediaType, size: config.size, digest: config.digest },
    layers: layers.map(layerDescriptor),
  }));
}

/** A referrers-API artifact carrying one signature, attached to `subject`. */
export function referrerManifest(
  emptyConfig: Descriptor,
  layer: SignatureLayer,
  subject: Descriptor,
): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: SIGNATURE_ARTIFACT_TYPE,
    config: { mediaType: EMPTY_MEDIA_TYPE, size: emptyConfig.size, digest: emptyConfig.digest },
    layers: [layerDescriptor(layer)],
    subject: { mediaType: subject.mediaType, size: subject.size, digest: subject.digest },
  }));
}

/**
 * Reads the signature layers of a `.sig` or referrer manifest; layers of other types are
 * skipped (cosign ignores them too).
 * @throws TrustError `ARTIFACT_INVALID` for a manifest that is not a signature artifact.
 */
export function readSignatureLayers(manifest: Buffer): SignatureLayer[] {
  let doc: { layers?: unknown };
  try {
    doc = JSON.parse(manifest.toString('utf8')) as { layers?: unknown };
  } catch (err) {
    throw new TrustError('ARTIFACT_INVALID', 'the signature manifest is not JSON', { cause: err });
  }

  if (!Array.isArray(doc.layers)) {
    throw new TrustError('ARTIFACT_INVALID', 'the signature manifest has no layers');
  }

  if (doc.layers.length > MAX_SIGNATURE_LAYERS) {
    throw new TrustError('ARTIFACT_INVALID', `the signature manifest has ${doc.layers.length} ` +
      `layers, over the limit of ${MAX_SIGNATURE_LAYERS}`);
  }

  const found: SignatureLayer[] = [];
  for (const raw of doc.layers as unknown[]) {
    const layer = raw as Partial<Descriptor> | null;
    const signature = layer?.annotations?.[SIGNATURE_ANNOTATION];
    if (layer?.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE || typeof signature !== 'string' ||
      typeof layer.digest !== 'string' || typeof layer.size !== 'number') {
      continue;
    }

    found.push({
      payload: { mediaType: layer.mediaType, digest: layer.digest, size: layer.size },
      signature,
    });
  }

  return found;
}

function layerDescriptor(layer: SignatureLayer): Descriptor {
  return {
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    size: layer.payload.size,
    digest: layer.payload.digest,
    annotations: { [SIGNATURE_ANNOTATION]: layer.signature },
  };
}
