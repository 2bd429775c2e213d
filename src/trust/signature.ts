// Signs and checks cosign simple-signing payloads: ECDSA P-256 over SHA-256 of the payload
// bytes, the ASN.1 DER signature carried base64-encoded (cosign SIGNATURE_SPEC.md).
import { sign, verify, type KeyObject } from 'node:crypto';
import { formatPayload, parsePayload, type SimpleSigningPayload } from './payload.js';

/** Longest base64 signature examined: a P-256 DER signature is at most 72 bytes. */
const MAX_SIGNATURE_CHARS = 1024;

export interface SignedPayload {
  payload: Buffer;
  /** Base64 of the DER signature, as in the `dev.cosignproject.cosign/signature` annotation. */
  signature: string;
}

/** Builds the payload for `manifestDigest` in `dockerReference` and signs it. */
export function signManifest(
  privateKey: KeyObject,
  dockerReference: string,
  manifestDigest: string,
  optional: Record<string, unknown> | null = null,
): SignedPayload {
  const payload = formatPayload({ dockerReference, manifestDigest, optional });
  const der = sign('sha256', payload, { key: privateKey, dsaEncoding: 'der' });
  return { payload, signature: der.toString('base64') };
}

export type VerifyResult =
  | { ok: true; payload: SimpleSigningPayload }
  | { ok: false; reason: string };

/**
 * Checks one signature for `expectedDigest`: the signature must verify over the exact payload
 * bytes, the payload must be cosign's type, and it must name exactly that digest. Never throws;
 * the reason says why a signature does not count.
 */
export function verifySignedPayload(
  publicKey: KeyObject,
  signed: SignedPayload,
  expectedDigest: string,
): VerifyResult {
  const b64 = signed.signature;
  const plausible = b64.length > 0 && b64.length <= MAX_SIGNATURE_CHARS;
  if (!plausible || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    return { ok: false, reason: 'the signature is not base64 of a plausible length' };
  }

  if (!checkSignature(publicKey, signed.payload, Buffer.from(b64, 'base64'))) {
    return { ok: false, reason: 'the signature does not verify with the given public key' };
  }

  let payload: SimpleSigningPayload;
  try {
    payload = parsePayload(signed.payload);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }

  if (payload.manifestDigest !== expectedDigest) {
    return {
      ok: false,
      reason: `the signature is for ${payload.manifestDigest}, not ${expectedDigest}`,
    };
  }

  return { ok: true, payload };
}

// A DER blob that does not parse is as good as a wrong signature.
function checkSignature(publicKey: KeyObject, payload: Buffer, der: Buffer): boolean {
  try {
    return verify('sha256', payload, { key: publicKey, dsaEncoding: 'der' }, der);
  } catch {
    return false;
  }
}
