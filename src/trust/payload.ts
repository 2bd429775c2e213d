// The cosign "simple signing" payload (cosign specs/SIGNATURE_SPEC.md, after the containers
// image-signature format): what a signature binds a repository name and a manifest digest to.
import { parseDigest } from '../image/digest.js';
import { TrustError } from './errors.js';

export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';
/** Payloads larger than this are not read: cosign's are a few hundred bytes. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export interface SimpleSigningPayload {
  /** The repository the image was signed in: `registry/repo`. */
  dockerReference: string;
  /** The signed manifest digest. */
  manifestDigest: string;
  /** Free-form annotations (`-a key=value` in cosign); null when none. */
  optional: Record<string, unknown> | null;
}

/**
 * Serialises the payload exactly as cosign does (Go struct field order, no spaces), so the
 * bytes signed by Moat and by cosign for the same inputs are identical.
 * @throws ImageError `INVALID_DIGEST` for a malformed digest.
 */
export function formatPayload(payload: SimpleSigningPayload): Buffer {
  parseDigest(payload.manifestDigest);
  const doc = {
    critical: {
      identity: { 'docker-reference': payload.dockerReference },
      image: { 'docker-manifest-digest': payload.manifestDigest },
      type: COSIGN_SIGNATURE_TYPE,
    },
    optional: payload.optional,
  };
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

/**
 * Reads a payload's fields; it must be JSON of cosign's shape with cosign's type.
 * @throws TrustError `PAYLOAD_INVALID`.
 */
export function parsePayload(bytes: Uint8Array): SimpleSigningPayload {
  if (bytes.length > MAX_PAYLOAD_BYTES) {
    throw invalid(`it is over ${MAX_PAYLOAD_BYTES} bytes`);
  }

  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw invalid('it is not JSON', err);
  }

  const critical = (doc as { critical?: unknown } | null)?.critical as
    | { identity?: { 'docker-reference'?: unknown }; image?: { 'docker-manifest-digest'?: unknown };
        type?: unknown }
    | undefined;
  if (critical?.type !== COSIGN_SIGNATURE_TYPE) {
    throw invalid(`its type is not "${COSIGN_SIGNATURE_TYPE}"`);
  }

  const ref = critical.identity?.['docker-reference'];
  const digest = critical.image?.['docker-manifest-digest'];
  if (typeof ref !== 'string' || typeof digest !== 'string') {
    throw invalid('it lacks the docker-reference or docker-manifest-digest');
  }

  const optional = (doc as { optional?: unknown }).optional ?? null;
  if (typeof optional !== 'object' || Array.isArray(optional)) {
    throw invalid('its "optional" field is not an object');
  }

  return {
    dockerReference: ref,
    manifestDigest: digest,
    optional: optional as Record<string, unknown> | null,
  };
}

function invalid(why: string, cause?: unknown): TrustError {
  return new TrustError('PAYLOAD_INVALID', `the signature payload is not a cosign simple ` +
    `signing payload: ${why}`, cause === undefined ? undefined : { cause });
}
