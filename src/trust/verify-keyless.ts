// Verifies an image's keyless Sigstore signatures: resolves the reference to its manifest,
// checks every bundle attached to it (or the one bundle file given, as cosign verify-blob
// takes one) and counts the image verified when one bundle passes every check.
// Limitation: cosign v2 keyless signatures in the `.sig` tag (certificate and Rekor bundle as
// layer annotations) are not read; only Sigstore bundles are.
import type { TrustMaterial } from '@sigstore/verify';
import { ImageError } from '../image/errors.js';
import { collectBundles, type FoundBundle } from './bundle-referrers.js';
import { checkBundle, type BundleCheck, type IdentityPolicy } from './keyless.js';
import type { SignatureStore } from './store.js';

export interface SourcedBundleCheck extends BundleCheck {
  /** Where it was found: a referrer manifest digest, or `file`. */
  source: string;
}

export interface KeylessOutcome {
  digest: string;
  verified: boolean;
  bundles: SourcedBundleCheck[];
}

export interface KeylessInput {
  trust: TrustMaterial;
  policy: IdentityPolicy;
  /** A bundle read from a file; when given, the registry's referrers are not consulted. */
  bundleFile?: Buffer;
}

/**
 * Checks the image `target` names against its keyless bundles.
 * @throws ImageError `NOT_FOUND` when the image does not exist; RegistryError.
 */
export async function verifyImageKeyless(
  store: SignatureStore,
  target: { tag?: string; digest?: string },
  input: KeylessInput,
): Promise<KeylessOutcome> {
  const subject = await store.getManifest(target);
  if (subject === undefined) {
    throw new ImageError('NOT_FOUND', `no image ${target.digest ?? target.tag ?? ''} in ` +
      `${store.repositoryName}; check the reference`);
  }

  const digest = subject.descriptor.digest;
  const found: FoundBundle[] = input.bundleFile === undefined
    ? await collectBundles(store, digest)
    : [{ source: 'file', bytes: input.bundleFile }];
  const image = { digest, manifest: subject.bytes };
  const bundles = found.map((f): SourcedBundleCheck => 'reason' in f
    ? { source: f.source, verified: false, reason: f.reason }
    : { source: f.source, ...checkBundle(f.bytes, image, input.trust, input.policy) });

  return { digest, verified: bundles.some((b) => b.verified), bundles };
}
