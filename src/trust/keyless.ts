// Keyless verification of Sigstore bundles (protobuf-specs bundle v0.1–v0.3) with
// `@sigstore/verify`: the certificate must chain to a CA of the given trusted root at a time
// a trusted transparency log (or timestamp authority) vouches for, the signature must verify
// with the certificate's key, and the certificate must name the expected identity and OIDC
// issuer. keyless-subject.ts then ties the bundle to the image. The trust material is passed
// in as data; nothing here fetches it.
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  Verifier,
  toSignedEntity,
  toTrustMaterial,
  type Signer,
  type TrustMaterial,
} from '@sigstore/verify';
import { TrustError } from './errors.js';
import { checkSubject, type SignedImage } from './keyless-subject.js';

export { COSIGN_SIGN_PREDICATE, type SignedImage } from './keyless-subject.js';
export const MAX_TRUSTED_ROOT_BYTES = 4 * 1024 * 1024;
export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

/**
 * Who must have signed, as cosign's --certificate-identity(-regexp) and
 * --certificate-oidc-issuer: the certificate's SAN (email or URI) exactly or matching a
 * pattern (unanchored, as cosign's Go regexp match is), and the Fulcio issuer extension.
 */
export type IdentityPolicy = ({ identity: string } | { identityPattern: RegExp }) & {
  issuer: string;
};

export interface BundleCheck {
  verified: boolean;
  /** Why it does not count, when it does not. */
  reason?: string;
  /** `message-signature` or `dsse-envelope`, when the bundle parses. */
  content?: 'message-signature' | 'dsse-envelope';
  /** The certificate's SAN and OIDC issuer, once the certificate verified. */
  identity?: string;
  issuer?: string;
}

/**
 * Reads a Sigstore `trusted_root.json` into trust material.
 * @throws TrustError `TRUST_ROOT_INVALID` when it is not one, is too large, or trusts no CA.
 */
export function loadTrustedRoot(bytes: Buffer): TrustMaterial {
  if (bytes.length > MAX_TRUSTED_ROOT_BYTES) {
    throw new TrustError('TRUST_ROOT_INVALID', `the trusted root is over ` +
      `${MAX_TRUSTED_ROOT_BYTES} bytes`);
  }

  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new TrustError('TRUST_ROOT_INVALID', 'the trusted root is not JSON', { cause: err });
  }

  const mediaType = (doc as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType !== 'string' ||
    !mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw new TrustError('TRUST_ROOT_INVALID', 'the trusted root has no Sigstore trusted root ' +
      'mediaType; pass a trusted_root.json');
  }

  let material: TrustMaterial;
  try {
    material = toTrustMaterial(TrustedRoot.fromJSON(doc));
  } catch (err) {
    throw new TrustError('TRUST_ROOT_INVALID', `the trusted root does not parse: ` +
      `${(err as Error).message}`, { cause: err });
  }

  if (material.certificateAuthorities.length === 0) {
    throw new TrustError('TRUST_ROOT_INVALID', 'the trusted root lists no certificate ' +
      'authority, so no keyless signature can verify');
  }

  return material;
}

/**
 * Checks one bundle (its JSON bytes) against the image, the trust material and the policy.
 * Never throws; the reason says why the bundle does not count.
 */
export function checkBundle(
  bytes: Buffer,
  image: SignedImage,
  trust: TrustMaterial,
  policy: IdentityPolicy,
): BundleCheck {
  if (bytes.length > MAX_BUNDLE_BYTES) {
    return { verified: false, reason: `the bundle is over ${MAX_BUNDLE_BYTES} bytes` };
  }

  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { verified: false, reason: 'the bundle is not JSON' };
  }

  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(doc);
  } catch (err) {
    return { verified: false, reason: `not a Sigstore bundle: ${describeFailure(err)}` };
  }

  const content = bundle.content.$case === 'dsseEnvelope' ? 'dsse-envelope'
    : 'message-signature';
  const subject = checkSubject(bundle, image);
  if (subject !== undefined) {
    return { verified: false, content, reason: subject };
  }

  let signer: Signer;
  try {
    const entity = bundle.content.$case === 'messageSignature'
      ? toSignedEntity(bundle, image.manifest)
      : toSignedEntity(bundle);
    signer = verifierFor(trust).verify(entity);
  } catch (err) {
    return { verified: false, content, reason: describeFailure(err) };
  }

  return { content, ...checkIdentity(signer, policy) };
}

// One SCT and one transparency-log entry are required exactly when the root lists such
// logs; a trusted time (log entry or RFC 3161 timestamp) is always required.
function verifierFor(trust: TrustMaterial): Verifier {
  return new Verifier(trust, {
    ctlogThreshold: trust.ctlogs.length > 0 ? 1 : 0,
    tlogThreshold: trust.tlogs.length > 0 ? 1 : 0,
    timestampThreshold: 1,
  });
}

function checkIdentity(signer: Signer, policy: IdentityPolicy): BundleCheck {
  const identity = signer.identity?.subjectAlternativeName;
  const issuer = signer.identity?.extensions?.issuer;
  const named = {
    ...(identity === undefined ? {} : { identity }),
    ...(issuer === undefined ? {} : { issuer }),
  };
  if (identity === undefined) {
    return { ...named, verified: false, reason: 'the certificate names no identity' };
  }

  // search() ignores a pattern's lastIndex and global flag, so a shared RegExp stays pure.
  const matches = 'identity' in policy ? identity === policy.identity
    : identity.search(policy.identityPattern) !== -1;
  if (!matches) {
    const wanted = 'identity' in policy ? policy.identity : `/${policy.identityPattern.source}/`;
    return { ...named, verified: false, reason: `the certificate identity ${identity} is not ` +
      wanted };
  }

  if (issuer !== policy.issuer) {
    return { ...named, verified: false, reason: `the certificate OIDC issuer ` +
      `${issuer ?? '(none)'} is not ${policy.issuer}` };
  }

  return { ...named, verified: true };
}

// @sigstore/verify errors carry a code (CERTIFICATE_ERROR, TLOG_INCLUSION_PROOF_ERROR, …) and
// often the precise cause; @sigstore/bundle's name the fields that are missing.
function describeFailure(err: unknown): string {
  const { code, message, cause, fields } = err as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    fields?: unknown;
  };
  const text = typeof message === 'string' ? message : String(err);
  const causeText = cause instanceof Error ? `: ${cause.message}` : '';
  const fieldText = Array.isArray(fields) ? ` (${fields.slice(0, 8).join(', ')})` : '';
  return `${typeof code === 'string' ? `${code}: ` : ''}${text}${causeText}${fieldText}`;
}
