// DSSE envelopes (secure-systems-lab/dsse, protocol.md) carrying in-toto statements
// (in-toto attestation spec v0.1, the version cosign writes): the signature covers the
// pre-authentication encoding PAE(type, body), never the bare payload.
import { sign, verify, type KeyObject } from 'node:crypto';
import { parseDigest } from '../image/digest.js';
import { TrustError } from './errors.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v0.1';

export interface DsseEnvelope {
  payloadType: string;
  /** Base64 of the payload bytes. */
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

/** `DSSEv1 <len> <type> <len> <body>`, lengths in decimal bytes. */
export function preAuthEncoding(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${body.length} `),
    body,
  ]);
}

/** An in-toto statement about one image digest in `repository`. */
export function inTotoStatement(
  repository: string,
  manifestDigest: string,
  predicateType: string,
  predicate: unknown,
): Buffer {
  const { algorithm, hex } = parseDigest(manifestDigest);
  return Buffer.from(JSON.stringify({
    _type: IN_TOTO_STATEMENT_TYPE,
    predicateType,
    subject: [{ name: repository, digest: { [algorithm]: hex } }],
    predicate,
  }));
}

/** Signs `body` into a DSSE envelope with ECDSA P-256 / SHA-256 (DER signature). */
export function signEnvelope(privateKey: KeyObject, payloadType: string, body: Buffer) {
  const pae = preAuthEncoding(payloadType, body);
  const sig = sign('sha256', pae, { key: privateKey, dsaEncoding: 'der' });
  const envelope: DsseEnvelope = {
    payloadType,
    payload: body.toString('base64'),
    signatures: [{ keyid: '', sig: sig.toString('base64') }],
  };
  return envelope;
}

/**
 * Returns the payload of an envelope that one of its signatures verifies with `publicKey`.
 * @throws TrustError `SIGNATURE_INVALID` when the envelope is malformed or no signature verifies.
 */
export function openEnvelope(publicKey: KeyObject, envelope: DsseEnvelope): Buffer {
  const { payloadType, payload, signatures } = envelope;
  if (typeof payloadType !== 'string' || typeof payload !== 'string' ||
    !Array.isArray(signatures)) {
    throw new TrustError('SIGNATURE_INVALID', 'the attestation is not a DSSE envelope');
  }

  const body = Buffer.from(payload, 'base64');
  const pae = preAuthEncoding(payloadType, body);
  const ok = signatures.slice(0, 16).some((s) => {
    try {
      const der = Buffer.from(String(s.sig), 'base64');
      return verify('sha256', pae, { key: publicKey, dsaEncoding: 'der' }, der);
    } catch {
      return false;
    }
  });
  if (!ok) {
    throw new TrustError('SIGNATURE_INVALID', 'no signature on the attestation verifies with ' +
      'the given public key');
  }

  return body;
}
