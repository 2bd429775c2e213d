// An ImageSource over an OCI image layout (image-spec image-layout.md): `oci-layout` version
// check, `index.json`, a tag chosen by `org.opencontainers.image.ref.name`, nested indexes and
// platforms through resolveImage, blobs under `blobs/<alg>/<hex>`, every read verified.
import { pipeline, type Readable } from 'node:stream';
import { createDigestVerifier } from '../digest.js';
import { ImageError } from '../errors.js';
import type { ImageLimits } from '../limits.js';
import { MediaType } from '../media-types.js';
import { parseManifestDocument } from '../manifest.js';
import { resolveImage } from '../resolve.js';
import type { Descriptor, ImageSource, Platform, ResolvedImage } from '../types.js';
import { blobPath, type LayoutFiles } from './layout-files.js';
import { chooseManifests, type ImageSelector } from './select.js';

export interface LayoutSourceOptions {
  reference: string;
  transport: string;
  selector: ImageSelector;
  limits: ImageLimits;
  platform?: Platform;
}

export class OciLayoutSource implements ImageSource {
  private resolved: Promise<ResolvedImage> | undefined;

  constructor(
    private readonly files: LayoutFiles,
    private readonly options: LayoutSourceOptions,
  ) {}

  /** @throws ImageError LAYOUT_INVALID, NOT_FOUND and everything resolveImage throws. */
  resolve(): Promise<ResolvedImage> {
    this.resolved ??= this.resolveOnce();
    return this.resolved;
  }

  /** @throws ImageError NOT_FOUND when the blob is missing from the layout. */
  async openBlob(desc: Descriptor): Promise<Readable> {
    const stream = await this.files.open(blobPath(desc.digest));
    if (stream === undefined) {
      throw this.missingBlob(desc.digest);
    }

    const what = `blob ${desc.digest} of ${this.options.reference}`;
    const verifier = createDigestVerifier({ digest: desc.digest, size: desc.size, what });
    return pipeline(stream, verifier, () => undefined);
  }

  async close(): Promise<void> {
    this.resolved = undefined;
  }

  private async resolveOnce(): Promise<ResolvedImage> {
    const { limits, reference } = this.options;
    const marker = await this.files.read('oci-layout', 64 * 1024);
    const version = marker === undefined ? undefined : readLayoutVersion(marker);
    if (version === undefined || !version.startsWith('1.')) {
      throw new ImageError(
        'LAYOUT_INVALID',
        `${this.files.location} is not an OCI image layout (no oci-layout file with ` +
          `imageLayoutVersion 1.x); check the path, e.g. oci:/path/to/layout:tag`,
      );
    }

    const indexBytes = await this.files.read('index.json', limits.maxManifestBytes);
    if (indexBytes === undefined) {
      throw new ImageError('LAYOUT_INVALID', `${this.files.location} has no index.json`);
    }

    const doc = parseManifestDocument(indexBytes, {
      mediaType: MediaType.ociIndex,
      maxBytes: limits.maxManifestBytes,
      what: `index.json of ${this.files.location}`,
    });
    const manifests = doc.kind === 'index' ? doc.index.manifests : [];
    const start = chooseManifests(manifests, this.options.selector, reference);
    return resolveImage({
      start: start.length === 1 ? (start[0] as Descriptor) : start,
      readBlob: (desc, maxBytes) => this.readBlob(desc, maxBytes),
      reference,
      transport: this.options.transport,
      limits,
      ...(this.options.platform === undefined ? {} : { platform: this.options.platform }),
    });
  }

  private async readBlob(desc: Descriptor, maxBytes: number): Promise<Buffer> {
    const bytes = await this.files.read(blobPath(desc.digest), maxBytes);
    if (bytes === undefined) {
      throw this.missingBlob(desc.digest);
    }

    return bytes;
  }

  private missingBlob(digest: string): ImageError {
    return new ImageError(
      'NOT_FOUND',
      `${this.options.reference} is missing blob ${digest} in ${this.files.location}; the ` +
        'layout is incomplete: copy the image again',
    );
  }
}

function readLayoutVersion(bytes: Buffer): string | undefined {
  try {
    const json = JSON.parse(bytes.toString('utf8')) as { imageLayoutVersion?: unknown };
    return typeof json.imageLayoutVersion === 'string' ? json.imageLayoutVersion : undefined;
  } catch {
    return undefined;
  }
}
