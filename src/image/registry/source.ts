// An ImageSource backed by a registry: resolves the reference to one verified single-platform
// image, and streams layer blobs through a digest verifier.
import { pipeline, type Readable } from 'node:stream';
import { createDigestVerifier } from '../digest.js';
import type { ImageLimits } from '../limits.js';
import { resolveImage } from '../resolve.js';
import type { Descriptor, ImageSource, Platform, ResolvedImage } from '../types.js';
import { openResumableBlob } from './blob-stream.js';
import type { RepositoryClient } from './client.js';
import { fetchManifest, fetchSmallBlob, isManifestDescriptor } from './manifest-fetch.js';
import { formatRegistryReference, type RegistryReference } from './reference.js';

export interface RegistrySourceOptions {
  /** The reference as the user gave it. */
  input: string;
  reference: RegistryReference;
  client: RepositoryClient;
  limits: ImageLimits;
  platform?: Platform;
}

export class RegistrySource implements ImageSource {
  private readonly open = new Set<Readable>();
  private readonly name: string;

  constructor(private readonly options: RegistrySourceOptions) {
    this.name = formatRegistryReference(options.reference);
  }

  /**
   * Fetches the manifest (choosing a platform from an index) and the config, all verified.
   * @throws ImageError (NOT_FOUND, DIGEST_MISMATCH, LIMIT_EXCEEDED, MANIFEST_INVALID,
   *   PLATFORM_NOT_FOUND, …) and RegistryError (UNAUTHORIZED, TOO_MANY_REQUESTS, …).
   */
  async resolve(): Promise<ResolvedImage> {
    const { client, limits, reference } = this.options;
    const top = await fetchManifest(
      client,
      reference,
      limits.maxManifestBytes,
      `manifest ${reference.digest ?? reference.tag ?? ''} of ${this.name}`,
    );

    // The first document is already verified; later ones are fetched by digest.
    const readBlob = async (desc: Descriptor, maxBytes: number): Promise<Buffer> => {
      if (desc.digest === top.descriptor.digest) {
        return top.bytes;
      }

      if (!isManifestDescriptor(desc)) {
        return fetchSmallBlob(client, desc, maxBytes, `blob ${desc.digest} of ${this.name}`);
      }

      const child = await fetchManifest(
        client,
        { digest: desc.digest },
        maxBytes,
        `manifest ${desc.digest} of ${this.name}`,
      );
      return child.bytes;
    };

    return resolveImage({
      start: top.descriptor,
      readBlob,
      reference: this.options.input,
      transport: 'docker',
      limits,
      ...(this.options.platform === undefined ? {} : { platform: this.options.platform }),
    });
  }

  /**
   * Streams a blob; the stream fails with DIGEST_MISMATCH/SIZE_MISMATCH before it ends when
   * the bytes are wrong, and with NETWORK_ERROR when the connection breaks or stalls more
   * often than it can be resumed.
   * @throws ImageError NOT_FOUND and RegistryError for the request itself.
   */
  async openBlob(desc: Descriptor): Promise<Readable> {
    const what = `blob ${desc.digest} of ${this.name}`;
    const verifier = createDigestVerifier({ digest: desc.digest, size: desc.size, what });
    const { client } = this.options;
    const reply = await client.get('blobs', desc.digest, what);
    const fetchFrom = (offset: number) =>
      client.get('blobs', desc.digest, what, { range: `bytes=${offset}-` });
    const body = openResumableBlob(reply, fetchFrom);
    this.open.add(body);
    body.on('close', () => this.open.delete(body));
    // pipeline destroys the verifier with the body's error, so readers always see it.
    return pipeline(body, verifier, () => undefined);
  }

  /** Stops any blob downloads still running. */
  async close(): Promise<void> {
    for (const body of this.open) {
      body.destroy();
    }

    this.open.clear();
  }
}
