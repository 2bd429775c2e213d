// Attaches a signed in-toto attestation to an image as cosign does (`cosign attest`): a DSSE
// envelope as a layer of the `sha256-<hex>.att` manifest (appended to earlier ones), with
// the predicate type in an annotation, and the same layer as a referrer of the image.
import type { KeyObject } from 'node:crypto';
import { digestOf, parseDigest } from '../image/digest.js';
import { MediaType } from '../image/media-types.js';
import type { Descriptor } from '../image/types.js';
import {
  EMPTY_CONFIG,
  EMPTY_MEDIA_TYPE,
  MAX_SIGNATURE_LAYERS,
  SIGNATURE_ANNOTATION,
  signatureConfig,
} from './artifact.js';
import {
  IN_TOTO_PAYLOAD_TYPE,
  inTotoStatement,
  signEnvelope,
  type DsseEnvelope,
} from './dsse.js';
import { TrustError } from './errors.js';
import type { SignatureStore } from './store.js';

export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';

/** The predicate types `moat attest` writes, by the short name `--type` takes. */
export const PREDICATE_TYPES = {
  sbom: 'https://cyclonedx.org/bom',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
} as const;

export interface AttestOutcome {
  digest: string;
  attestationTag: string;
  attestationManifest: string;
  referrer: string;
  referrerIndexed: boolean;
}

/** `sha256:abc…` → `sha256-abc….att`. */
export function attestationTag(manifestDigest: string): string {
  const { algorithm, hex } = parseDigest(manifestDigest);
  return `${algorithm}-${hex}.att`;
}

/**
 * Signs `predicate` about the image `subject` and stores it beside the image.
 * @throws TrustError `ARTIFACT_INVALID` for an unreadable or full `.att` manifest;
 *   RegistryError.
 */
export async function attestImage(
  store: SignatureStore,
  subject: Descriptor,
  privateKey: KeyObject,
  predicateType: string,
  predicate: unknown,
): Promise<AttestOutcome> {
  const statement = inTotoStatement(store.repositoryName, subject.digest, predicateType,
    predicate);
  const envelope = signEnvelope(privateKey, IN_TOTO_PAYLOAD_TYPE, statement);
  return attachEnvelope(store, subject, envelope, predicateType);
}

/**
 * Stores a DSSE envelope beside the image `subject`: appended to its `.att` manifest and
 * attached as a referrer. The envelope is stored as given; nothing here checks it.
 * @throws TrustError `ARTIFACT_INVALID` for an unreadable or full `.att` manifest;
 *   RegistryError.
 */
export async function attachEnvelope(
  store: SignatureStore,
  subject: Descriptor,
  envelope: DsseEnvelope,
  predicateType: string,
): Promise<AttestOutcome> {
  const blob = await store.pushBlob(Buffer.from(JSON.stringify(envelope)), DSSE_MEDIA_TYPE);
  const layer: Descriptor = {
    ...blob,
    annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: predicateType },
  };

  // Limitation: like the `.sig` tag, the `.att` tag is rewritten without a lock.
  const tag = attestationTag(subject.digest);
  const existing = await store.getManifest({ tag });
  const layers = [...(existing === undefined ? [] : readLayers(existing.bytes)), layer];
  const config = await store.pushBlob(
    signatureConfig(layers.map((l) => ({ payload: l, signature: '' }))),
    MediaType.ociConfig,
  );
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: config.mediaType, size: config.size, digest: config.digest },
    layers,
  }));
  const put = await store.putManifest(tag, manifest, MediaType.ociManifest);

  const empty = await store.pushBlob(EMPTY_CONFIG, EMPTY_MEDIA_TYPE);
  const referrer = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: DSSE_MEDIA_TYPE,
    config: { mediaType: EMPTY_MEDIA_TYPE, size: empty.size, digest: empty.digest },
    layers: [layer],
    subject: { mediaType: subject.mediaType, size: subject.size, digest: subject.digest },
  }));
  const attached = await store.putManifest(digestOf(referrer), referrer, MediaType.ociManifest);
  return {
    digest: subject.digest,
    attestationTag: tag,
    attestationManifest: put.descriptor.digest,
    referrer: attached.descriptor.digest,
    referrerIndexed: attached.subjectProcessed,
  };
}

function readLayers(bytes: Buffer): Descriptor[] {
  let doc: { layers?: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8')) as { layers?: unknown };
  } catch (err) {
    throw new TrustError('ARTIFACT_INVALID', 'the .att manifest is not JSON', { cause: err });
  }

  const layers = Array.isArray(doc.layers) ? (doc.layers as Descriptor[]) : [];
  if (layers.length >= MAX_SIGNATURE_LAYERS) {
    throw new TrustError('ARTIFACT_INVALID', `the .att manifest already holds ${layers.length} ` +
      'attestations, the most Moat keeps; remove old ones first');
  }

  return layers.filter((l) => l?.mediaType === DSSE_MEDIA_TYPE && typeof l.digest === 'string');
}
