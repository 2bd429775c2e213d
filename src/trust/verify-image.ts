// Verifies an image's cosign signatures with a public key: finds them under the
// `sha256-<hex>.sig` tag and through the referrers API, and counts a signature only when it
// verifies over its payload and the payload names exactly the image's manifest digest.
import type { KeyObject } from 'node:crypto';
import { verifyBuffer } from '../image/digest.js';
import { ImageError } from '../image/errors.js';
import {
  SIGNATURE_ARTIFACT_TYPE,
  readSignatureLayers,
  signatureTag,
  type SignatureLayer,
} from './artifact.js';
import { MAX_PAYLOAD_BYTES } from './payload.js';
import { listReferrers } from './referrers.js';
import { verifySignedPayload } from './signature.js';
import type { SignatureStore } from './store.js';

export interface SignatureCheck {
  /** Where it was found: the `.sig` tag or a referrer manifest digest. */
  source: string;
  payloadDigest: string;
  verified: boolean;
  /** Why it does not count, when it does not. */
  reason?: string;
  dockerReference?: string;
  annotations?: Record<string, unknown> | null;
}

export interface VerifyOutcome {
  digest: string;
  verified: boolean;
  signatures: SignatureCheck[];
}

/**
 * Checks every signature stored for the image `target` names.
 * @throws ImageError `NOT_FOUND` when the image does not exist; RegistryError.
 */
export async function verifyImage(
  store: SignatureStore,
  target: { tag?: string; digest?: string },
  publicKey: KeyObject,
): Promise<VerifyOutcome> {
  const subject = await store.getManifest(target);
  if (subject === undefined) {
    throw new ImageError('NOT_FOUND', `no image ${target.digest ?? target.tag ?? ''} in ` +
      `${store.repositoryName}; check the reference`);
  }

  const digest = subject.descriptor.digest;
  const found = await collectSignatures(store, digest);
  const signatures: SignatureCheck[] = [];
  for (const { source, layer } of found) {
    signatures.push(await checkLayer(store, source, layer, digest, publicKey));
  }

  return { digest, verified: signatures.some((s) => s.verified), signatures };
}

async function collectSignatures(
  store: SignatureStore,
  digest: string,
): Promise<Array<{ source: string; layer: SignatureLayer }>> {
  const found: Array<{ source: string; layer: SignatureLayer }> = [];
  const seen = new Set<string>();
  const add = (source: string, layers: SignatureLayer[]) => {
    for (const layer of layers) {
      const key = `${layer.payload.digest} ${layer.signature}`;
      if (!seen.has(key)) {
        seen.add(key);
        found.push({ source, layer });
      }
    }
  };

  const tag = signatureTag(digest);
  const sig = await store.getManifest({ tag });
  if (sig !== undefined) {
    add(tag, readSignatureLayers(sig.bytes));
  }

  for (const referrer of await listReferrers(store, digest, SIGNATURE_ARTIFACT_TYPE)) {
    const manifest = await store.getManifest({ digest: referrer });
    if (manifest !== undefined) {
      add(referrer, readSignatureLayers(manifest.bytes));
    }
  }

  return found;
}

async function checkLayer(
  store: SignatureStore,
  source: string,
  layer: SignatureLayer,
  digest: string,
  publicKey: KeyObject,
): Promise<SignatureCheck> {
  const base = { source, payloadDigest: layer.payload.digest };
  if (layer.payload.size > MAX_PAYLOAD_BYTES) {
    return { ...base, verified: false, reason: `the payload is over ${MAX_PAYLOAD_BYTES} bytes` };
  }

  let payload: Buffer;
  try {
    payload = await store.getBlob(layer.payload, MAX_PAYLOAD_BYTES);
    verifyBuffer(payload, { ...layer.payload, what: `signature payload ${layer.payload.digest}` });
  } catch (err) {
    // A missing or altered payload disqualifies this signature; a network failure is an error.
    if (!(err instanceof ImageError)) {
      throw err;
    }

    return { ...base, verified: false, reason: err.message };
  }

  const result = verifySignedPayload(publicKey, { payload, signature: layer.signature }, digest);
  if (!result.ok) {
    return { ...base, verified: false, reason: result.reason };
  }

  return {
    ...base,
    verified: true,
    dockerReference: result.payload.dockerReference,
    annotations: result.payload.optional,
  };
}
