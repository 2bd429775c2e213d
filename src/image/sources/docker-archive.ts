// An ImageSource over `docker save` output. Docker 25+ embeds an OCI layout, which is read as
// one; older archives (and skopeo's) have only `manifest.json` naming a config and layer tars
// by path, so layers are verified against the config's diff_ids on their uncompressed bytes and
// a Docker v2 manifest is synthesised for the image's digest, as skopeo does.
import { pipeline, type Readable } from 'node:stream';
import { createDigestVerifier, digestOf, verifyBuffer } from '../digest.js';
import { ImageError } from '../errors.js';
import { createDecompressor, detectCompression, peekStream } from '../layers/decompress.js';
import type { ImageLimits } from '../limits.js';
import { parseImageConfig } from '../manifest.js';
import { MediaType } from '../media-types.js';
import type { Descriptor, ImageSource, Platform, ResolvedImage } from '../types.js';
import { archiveFiles } from './layout-files.js';
import { OciLayoutSource } from './oci-layout.js';
import { chooseDockerEntry, parseDockerManifest } from './docker-manifest.js';
import type { ImageSelector } from './select.js';
import type { TarIndex } from './tar-index.js';

export interface ArchiveSourceOptions {
  reference: string;
  selector: ImageSelector;
  limits: ImageLimits;
  platform?: Platform;
}

/** The right source for a docker-archive: its embedded OCI layout, or the legacy form. */
export function dockerArchiveSource(archive: TarIndex, options: ArchiveSourceOptions): ImageSource {
  if (archive.has('oci-layout') && archive.has('index.json')) {
    return new OciLayoutSource(archiveFiles(archive), { ...options, transport: 'docker-archive' });
  }

  return new LegacyDockerArchiveSource(archive, options);
}

interface BlobMember {
  member: string;
  /** Layers named by path are checked against their diff_id after decompression. */
  uncompressed: boolean;
}

class LegacyDockerArchiveSource implements ImageSource {
  private readonly blobs = new Map<string, BlobMember>();
  private resolved: Promise<ResolvedImage> | undefined;

  constructor(
    private readonly archive: TarIndex,
    private readonly options: ArchiveSourceOptions,
  ) {}

  resolve(): Promise<ResolvedImage> {
    this.resolved ??= this.resolveOnce();
    return this.resolved;
  }

  async openBlob(desc: Descriptor): Promise<Readable> {
    const blob = this.blobs.get(desc.digest);
    const stream = blob === undefined ? undefined : this.archive.open(blob.member);
    if (blob === undefined || stream === undefined) {
      throw new ImageError(
        'NOT_FOUND',
        `${this.options.reference} has no blob ${desc.digest}; resolve the image first`,
      );
    }

    const what = `${blob.member} of ${this.options.reference}`;
    if (!blob.uncompressed) {
      const verifier = createDigestVerifier({ digest: desc.digest, size: desc.size, what });
      return pipeline(stream, verifier, () => undefined);
    }

    const { head, stream: whole } = await peekStream(stream, 4);
    const verifier = createDigestVerifier({ digest: desc.digest, what });
    return pipeline(whole, createDecompressor(detectCompression(head)), verifier, () => undefined);
  }

  async close(): Promise<void> {
    this.blobs.clear();
  }

  private async resolveOnce(): Promise<ResolvedImage> {
    const { limits, reference } = this.options;
    const files = archiveFiles(this.archive);
    const manifestBytes = await files.read('manifest.json', limits.maxManifestBytes);
    if (manifestBytes === undefined) {
      throw new ImageError(
        'ARCHIVE_INVALID',
        `${this.archive.file} has neither manifest.json nor an OCI layout; it is not ` +
          '`docker save` output',
      );
    }

    const entries = parseDockerManifest(manifestBytes, this.archive.file);
    const entry = chooseDockerEntry(entries, this.options.selector, reference);
    const configBytes = await files.read(entry.config, limits.maxConfigBytes);
    if (configBytes === undefined) {
      throw missing(reference, entry.config);
    }

    const configWhat = `config ${entry.config} of ${reference}`;
    const configDigest = digestOf(configBytes);
    const named = /([0-9a-f]{64})(\.json)?$/.exec(entry.config)?.[1];
    if (named !== undefined) {
      verifyBuffer(configBytes, { digest: `sha256:${named}`, what: configWhat });
    }

    const config = parseImageConfig(configBytes, limits.maxConfigBytes, configWhat);
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== entry.layers.length) {
      throw new ImageError(
        'CONFIG_INVALID',
        `${configWhat} lists ${diffIds.length} diff_ids for ${entry.layers.length} layers`,
      );
    }

    this.blobs.set(configDigest, { member: entry.config, uncompressed: false });
    const layers = entry.layers.map((path, index) => this.layerDescriptor(path, diffIds[index]));
    const configDesc = {
      mediaType: MediaType.dockerConfig,
      digest: configDigest,
      size: configBytes.length,
    };
    const mediaType = MediaType.dockerManifest;
    const manifest = { schemaVersion: 2, mediaType, config: configDesc, layers };
    return {
      reference,
      transport: 'docker-archive',
      manifestDigest: digestOf(Buffer.from(JSON.stringify(manifest))),
      manifestMediaType: MediaType.dockerManifest,
      configDigest,
      config,
      layers,
      ...(config.os !== undefined && config.architecture !== undefined
        ? { platform: { os: config.os, architecture: config.architecture } }
        : {}),
    };
  }

  private layerDescriptor(path: string, diffId: string | undefined): Descriptor {
    const member = this.archive.member(path);
    if (member === undefined || diffId === undefined) {
      throw missing(this.options.reference, path);
    }

    // `blobs/sha256/<hex>` members are content-addressed; `<id>/layer.tar` ones are not.
    const hex = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(path)?.[1];
    const digest = hex === undefined ? diffId : `sha256:${hex}`;
    this.blobs.set(digest, { member: path, uncompressed: hex === undefined });
    return { mediaType: MediaType.dockerLayer, digest, size: member.size };
  }
}

function missing(reference: string, member: string): ImageError {
  return new ImageError(
    'ARCHIVE_INVALID',
    `${reference} names ${member}, which is not in the archive; re-export the image`,
  );
}
