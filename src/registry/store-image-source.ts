// An ImageSource over the registry's own stores: manifests from the metadata, blobs from the
// blob store, so the server inventories a pushed image by streaming its layers without HTTP and
// without unpacking anything to disk. Every read is checked against its digest, and only what
// the repository links may be read.
import { pipeline, type Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createDigestVerifier } from '../image/digest.js';
import { ImageError } from '../image/errors.js';
import { resolveLimits } from '../image/limits.js';
import { resolveImage } from '../image/resolve.js';
import type { Descriptor, ImageSource, Platform, ResolvedImage } from '../image/types.js';
import type { Registry } from './registry.js';

export const STORE_TRANSPORT = 'moat-registry';

export class StoreImageSource implements ImageSource {
  constructor(
    private readonly registry: Registry,
    private readonly repository: string,
    private readonly digest: string,
    private readonly platform?: Platform,
  ) {}

  /** @throws ImageError NOT_FOUND and what resolveImage throws. */
  async resolve(): Promise<ResolvedImage> {
    const record = this.registry.metadata.getManifest(this.repository, this.digest);
    if (record === undefined) {
      throw new ImageError('NOT_FOUND', `manifest ${this.digest} is not in ${this.repository}`);
    }

    return resolveImage({
      start: { mediaType: record.mediaType, digest: record.digest, size: record.size },
      readBlob: (desc, maxBytes) => this.readBlob(desc, maxBytes),
      reference: `${this.repository}@${this.digest}`,
      transport: STORE_TRANSPORT,
      limits: resolveLimits(undefined),
      ...(this.platform === undefined ? {} : { platform: this.platform }),
    });
  }

  /** @throws ImageError NOT_FOUND for a blob the repository does not link. */
  async openBlob(desc: Descriptor): Promise<Readable> {
    this.checkLinked(desc.digest);
    const what = `blob ${desc.digest} of ${this.repository}`;
    return pipeline(this.registry.openBlob(desc.digest),
      createDigestVerifier({ digest: desc.digest, size: desc.size, what }), () => undefined);
  }

  async close(): Promise<void> {
    // Nothing is held open between reads.
  }

  private async readBlob(desc: Descriptor, maxBytes: number): Promise<Buffer> {
    const manifest = this.registry.metadata.getManifest(this.repository, desc.digest);
    if (manifest !== undefined) {
      return manifest.content;
    }

    const size = this.checkLinked(desc.digest);
    if (size > maxBytes) {
      throw new ImageError('LIMIT_EXCEEDED', `blob ${desc.digest} is ${size} bytes, over the ` +
        `${maxBytes}-byte limit`);
    }

    return buffer(this.registry.openBlob(desc.digest));
  }

  private checkLinked(digest: string): number {
    const size = this.registry.metadata.blobSize(this.repository, digest);
    if (size === undefined || !this.registry.store.existsSync(digest)) {
      throw new ImageError('NOT_FOUND', `blob ${digest} is not in ${this.repository}`);
    }

    return size;
  }
}
