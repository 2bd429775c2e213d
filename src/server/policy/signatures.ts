// Checks cosign signatures of a manifest the way `moat verify` does (verifyImage: the `.sig`
// tag and signature referrers, each signature over a payload naming exactly this digest), but
// reading the server's own stores instead of making HTTP requests to itself.
import type { KeyObject } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { ImageError } from '../../image/errors.js';
import type { Descriptor } from '../../image/types.js';
import type { Registry } from '../../registry/registry.js';
import { RegistryError } from '../../registry/errors.js';
import type { SignatureStore } from '../../trust/store.js';
import { verifyImage } from '../../trust/verify-image.js';

/** A read-only SignatureStore over one repository of the registry. */
class RepositorySignatures implements SignatureStore {
  constructor(private readonly registry: Registry, readonly repositoryName: string) {}

  async getManifest(ref: { tag?: string; digest?: string }):
    Promise<{ descriptor: Descriptor; bytes: Buffer } | undefined> {
    const reference = ref.digest ?? ref.tag;
    if (reference === undefined) {
      return undefined;
    }

    try {
      const record = this.registry.getManifest(this.repositoryName, reference);
      return { descriptor: { mediaType: record.mediaType, digest: record.digest,
        size: record.size }, bytes: record.content };
    } catch (err) {
      if (err instanceof RegistryError) {
        return undefined;
      }

      throw err;
    }
  }

  async getBlob(desc: Descriptor, maxBytes: number): Promise<Buffer> {
    const size = this.registry.metadata.blobSize(this.repositoryName, desc.digest);
    if (size === undefined || size > maxBytes || !this.registry.store.existsSync(desc.digest)) {
      throw new ImageError('NOT_FOUND', `signature payload ${desc.digest} is not in ` +
        `${this.repositoryName} or is over ${maxBytes} bytes`);
    }

    return buffer(this.registry.openBlob(desc.digest));
  }

  async referrers(digest: string, artifactType?: string): Promise<Buffer | undefined> {
    const manifests = this.registry.referrers(this.repositoryName, digest)
      .filter((r) => artifactType === undefined || r.artifactType === artifactType)
      .map((r) => ({ mediaType: r.mediaType, digest: r.digest, size: r.size,
        ...(r.artifactType === undefined ? {} : { artifactType: r.artifactType }) }));
    return Buffer.from(JSON.stringify({ schemaVersion: 2, manifests }));
  }

  pushBlob(): Promise<Descriptor> {
    return Promise.reject(new Error('policy checks never write to the registry'));
  }

  putManifest(): Promise<{ descriptor: Descriptor; subjectProcessed: boolean }> {
    return Promise.reject(new Error('policy checks never write to the registry'));
  }
}

export interface SignatureVerdict {
  verified: boolean;
  /** Why not, in words, when not verified. */
  reason?: string;
}

/** Whether `digest` in `repository` carries a valid signature by one of `keys`. */
export async function checkSignedBy(registry: Registry, repository: string, digest: string,
  keys: KeyObject[]): Promise<SignatureVerdict> {
  const store = new RepositorySignatures(registry, repository);
  const reasons: string[] = [];
  for (const key of keys) {
    try {
      const outcome = await verifyImage(store, { digest }, key);
      if (outcome.verified) {
        return { verified: true };
      }

      reasons.push(...outcome.signatures.flatMap((s) => s.reason === undefined ? [] : [s.reason]));
    } catch (err) {
      // A malformed signature artifact counts as no signature; it never lets a pull through.
      reasons.push(err instanceof Error ? err.message : String(err));
    }
  }

  const why = reasons.length === 0 ? 'no signature found'
    : `no valid signature (${[...new Set(reasons)].slice(0, 3).join('; ')})`;
  return { verified: false, reason: why };
}
