// Verifies an image's in-toto attestations with a public key, as `cosign verify-attestation`
// does: finds DSSE envelopes under the `sha256-<hex>.att` tag and through the referrers API,
// and counts one only when its signature verifies over the PAE of the exact payload, the
// statement names the image's manifest digest as a subject, and its predicate type matches.
import type { KeyObject } from 'node:crypto';
import { parseDigest, verifyBuffer } from '../image/digest.js';
import { ImageError } from '../image/errors.js';
import type { Descriptor } from '../image/types.js';
import { MAX_SIGNATURE_LAYERS } from './artifact.js';
import { DSSE_MEDIA_TYPE, attestationTag } from './attest-image.js';
import { IN_TOTO_PAYLOAD_TYPE, openEnvelope, type DsseEnvelope } from './dsse.js';
import { TrustError } from './errors.js';
import { listReferrers } from './referrers.js';
import type { SignatureStore } from './store.js';

/** Largest envelope read: a 64 MiB predicate, base64-encoded, with room for the rest. */
export const MAX_ENVELOPE_BYTES = 96 * 1024 * 1024;

/** The statement types accepted: v0.1 (what cosign and Moat write) and v1. */
const STATEMENT_TYPES = new Set([
  'https://in-toto.io/Statement/v0.1',
  'https://in-toto.io/Statement/v1',
]);
const MAX_SUBJECTS = 1024;

export interface InTotoStatement {
  subject: Array<{ name?: string; digest: Record<string, string> }>;
  predicateType: string;
  predicate: unknown;
}

export interface AttestationCheck {
  /** Where it was found: the `.att` tag or a referrer manifest digest. */
  source: string;
  envelopeDigest: string;
  verified: boolean;
  /** Why it does not count, when it does not. */
  reason?: string;
  /** The predicate type the verified statement declares. */
  predicateType?: string;
  /** The verified statement, present only when `verified`. */
  statement?: InTotoStatement;
}

export interface AttestationOutcome {
  digest: string;
  verified: boolean;
  attestations: AttestationCheck[];
}

/**
 * Checks every attestation stored for the image `target` names; with `predicateType`, only
 * statements of that type count.
 * @throws ImageError `NOT_FOUND` when the image does not exist; RegistryError.
 */
export async function verifyAttestations(
  store: SignatureStore,
  target: { tag?: string; digest?: string },
  publicKey: KeyObject,
  predicateType?: string,
): Promise<AttestationOutcome> {
  const subject = await store.getManifest(target);
  if (subject === undefined) {
    throw new ImageError('NOT_FOUND', `no image ${target.digest ?? target.tag ?? ''} in ` +
      `${store.repositoryName}; check the reference`);
  }

  const digest = subject.descriptor.digest;
  const attestations: AttestationCheck[] = [];
  for (const { source, layer } of await collectEnvelopes(store, digest)) {
    const base = { source, envelopeDigest: layer.digest };
    const envelope = await fetchEnvelope(store, layer);
    if (typeof envelope === 'string') {
      attestations.push({ ...base, verified: false, reason: envelope });
      continue;
    }

    attestations.push({ ...base, ...checkEnvelope(envelope, publicKey, digest, predicateType) });
  }

  return { digest, verified: attestations.some((a) => a.verified), attestations };
}

/**
 * Opens one envelope and checks its statement against the image digest and predicate type.
 * Never throws; the reason says why an attestation does not count.
 */
export function checkEnvelope(
  envelope: DsseEnvelope,
  publicKey: KeyObject,
  manifestDigest: string,
  predicateType?: string,
): Omit<AttestationCheck, 'source' | 'envelopeDigest'> {
  let body: Buffer;
  try {
    body = openEnvelope(publicKey, envelope);
  } catch (err) {
    return { verified: false, reason: (err as Error).message };
  }

  // The payload type is covered by the signature (PAE), so it is trusted from here on.
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return { verified: false, reason: `the payload type is ${envelope.payloadType}, not ` +
      `${IN_TOTO_PAYLOAD_TYPE}` };
  }

  let statement: InTotoStatement;
  try {
    statement = parseStatement(body);
  } catch (err) {
    return { verified: false, reason: (err as Error).message };
  }

  const declared = { predicateType: statement.predicateType };
  if (!namesDigest(statement, manifestDigest)) {
    const names = statement.subject.map((s) => JSON.stringify(s.digest)).join(', ');
    return { ...declared, verified: false, reason: `the statement is about ${names}, ` +
      `not ${manifestDigest}` };
  }

  if (predicateType !== undefined && statement.predicateType !== predicateType) {
    return { ...declared, verified: false, reason: `the predicate type is ` +
      `${statement.predicateType}, not ${predicateType}` };
  }

  return { ...declared, verified: true, statement };
}

/**
 * Reads an in-toto statement.
 * @throws TrustError `PAYLOAD_INVALID` when it is not one.
 */
export function parseStatement(body: Buffer): InTotoStatement {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new TrustError('PAYLOAD_INVALID', 'the attestation payload is not JSON', { cause: err });
  }

  if (doc === null || typeof doc !== 'object' || !STATEMENT_TYPES.has(String(doc._type))) {
    throw new TrustError('PAYLOAD_INVALID', 'the attestation payload is not an in-toto ' +
      'statement');
  }

  const { subject, predicateType, predicate } = doc;
  if (!Array.isArray(subject) || subject.length === 0 || subject.length > MAX_SUBJECTS ||
    typeof predicateType !== 'string') {
    throw new TrustError('PAYLOAD_INVALID', 'the in-toto statement has no valid subject list ' +
      'or predicate type');
  }

  const subjects = (subject as unknown[]).map((s) => s as InTotoStatement['subject'][number]);
  if (!subjects.every((s) => s !== null && typeof s === 'object' &&
    s.digest !== null && typeof s.digest === 'object')) {
    throw new TrustError('PAYLOAD_INVALID', 'an in-toto subject has no digest');
  }

  return { subject: subjects, predicateType, predicate };
}

function namesDigest(statement: InTotoStatement, manifestDigest: string): boolean {
  const { algorithm, hex } = parseDigest(manifestDigest);
  return statement.subject.some((s) => s.digest[algorithm] === hex);
}

async function collectEnvelopes(
  store: SignatureStore,
  digest: string,
): Promise<Array<{ source: string; layer: Descriptor }>> {
  const found: Array<{ source: string; layer: Descriptor }> = [];
  const seen = new Set<string>();
  const add = (source: string, bytes: Buffer) => {
    for (const layer of readEnvelopeLayers(bytes)) {
      if (!seen.has(layer.digest)) {
        seen.add(layer.digest);
        found.push({ source, layer });
      }
    }
  };

  const tag = attestationTag(digest);
  const att = await store.getManifest({ tag });
  if (att !== undefined) {
    add(tag, att.bytes);
  }

  for (const referrer of await listReferrers(store, digest, DSSE_MEDIA_TYPE)) {
    const manifest = await store.getManifest({ digest: referrer });
    if (manifest !== undefined) {
      add(referrer, manifest.bytes);
    }
  }

  return found;
}

// A manifest that is not JSON or has no DSSE layers holds no attestations to check.
function readEnvelopeLayers(bytes: Buffer): Descriptor[] {
  let doc: { layers?: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8')) as { layers?: unknown };
  } catch {
    return [];
  }

  const layers = Array.isArray(doc.layers) ? (doc.layers as unknown[]) : [];
  return layers
    .slice(0, MAX_SIGNATURE_LAYERS)
    .map((l) => l as Partial<Descriptor> | null)
    .filter((l): l is Descriptor => l?.mediaType === DSSE_MEDIA_TYPE &&
      typeof l.digest === 'string' && typeof l.size === 'number')
    .map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size }));
}

// Returns the envelope, or the reason it cannot be read; a network failure is an error.
async function fetchEnvelope(
  store: SignatureStore,
  layer: Descriptor,
): Promise<DsseEnvelope | string> {
  if (layer.size > MAX_ENVELOPE_BYTES) {
    return `the envelope is over ${MAX_ENVELOPE_BYTES} bytes`;
  }

  let bytes: Buffer;
  try {
    bytes = await store.getBlob(layer, MAX_ENVELOPE_BYTES);
    verifyBuffer(bytes, { ...layer, what: `attestation ${layer.digest}` });
  } catch (err) {
    if (!(err instanceof ImageError)) {
      throw err;
    }

    return err.message;
  }

  try {
    const doc = JSON.parse(bytes.toString('utf8')) as DsseEnvelope | null;
    return doc !== null && typeof doc === 'object' ? doc : 'the envelope is not a JSON object';
  } catch {
    return 'the envelope is not JSON';
  }
}
