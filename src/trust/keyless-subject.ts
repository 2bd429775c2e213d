// What ties a verified Sigstore bundle to one image: a message signature must be over the
// manifest bytes themselves; a DSSE envelope must carry a cosign v3 signing statement naming
// the manifest digest.
import { createHash } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { IN_TOTO_PAYLOAD_TYPE } from './dsse.js';
import { parseStatement } from './verify-attestation.js';

/** The predicate type of an image signature written by cosign v3 as a bundle. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

/** The image a bundle must be about: its manifest digest and the exact manifest bytes. */
export interface SignedImage {
  digest: string;
  manifest: Buffer;
}

const NODE_HASHES: Partial<Record<HashAlgorithm, string>> = {
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
};

/** Why the bundle is not about this image, or undefined when it is. */
export function checkSubject(bundle: Bundle, image: SignedImage): string | undefined {
  if (bundle.content.$case === 'messageSignature') {
    const { messageDigest } = bundle.content.messageSignature;
    const hash = NODE_HASHES[messageDigest.algorithm];
    if (hash === undefined) {
      return `the bundle's message digest algorithm ${messageDigest.algorithm} is not supported`;
    }

    const actual = createHash(hash).update(image.manifest).digest();
    return actual.equals(messageDigest.digest) ? undefined
      : `the bundle signs ${hash}:${messageDigest.digest.toString('hex')}, not the manifest ` +
        `${image.digest}`;
  }

  const { payloadType, payload } = bundle.content.dsseEnvelope;
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return `the bundle's payload type ${payloadType} is not an image signature`;
  }

  return checkStatement(payload, image.digest);
}

function checkStatement(payload: Buffer, digest: string): string | undefined {
  let statement;
  try {
    statement = parseStatement(payload);
  } catch (err) {
    return (err as Error).message;
  }

  if (statement.predicateType !== COSIGN_SIGN_PREDICATE) {
    return `the bundle holds a ${statement.predicateType} attestation, not an image signature`;
  }

  const [algorithm = '', hex] = digest.split(':');
  const named = statement.subject.some((s) => s.digest[algorithm] === hex);
  return named ? undefined : `the bundle's statement is not about ${digest}`;
}
