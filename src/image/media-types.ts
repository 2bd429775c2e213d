// Media types Moat reads (OCI image-spec media-types.md, Docker image manifest v2 schema 2),
// and what each says about a layer's compression.
import { ImageError } from './errors.js';

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociForeignLayer: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociForeignLayerGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociForeignLayerZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export type Compression = 'gzip' | 'zstd' | 'none';

export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaType.ociManifest,
  MediaType.dockerManifest,
];

export const INDEX_MEDIA_TYPES: readonly string[] = [
  MediaType.ociIndex,
  MediaType.dockerManifestList,
];

export const CONFIG_MEDIA_TYPES: readonly string[] = [MediaType.ociConfig, MediaType.dockerConfig];

const LAYER_COMPRESSION = new Map<string, Compression>([
  [MediaType.ociLayer, 'none'],
  [MediaType.ociLayerGzip, 'gzip'],
  [MediaType.ociLayerZstd, 'zstd'],
  [MediaType.ociForeignLayer, 'none'],
  [MediaType.ociForeignLayerGzip, 'gzip'],
  [MediaType.ociForeignLayerZstd, 'zstd'],
  [MediaType.dockerLayer, 'none'],
  [MediaType.dockerLayerGzip, 'gzip'],
  [MediaType.dockerLayerZstd, 'zstd'],
  [MediaType.dockerForeignLayerGzip, 'gzip'],
]);

/** True for the "foreign"/non-distributable layer types, which registries may not serve. */
export function isForeignLayer(mediaType: string): boolean {
  return mediaType.includes('nondistributable') || mediaType.includes('.foreign.');
}

/** True when Moat knows how to read a layer of this media type. */
export function isLayerMediaType(mediaType: string): boolean {
  return LAYER_COMPRESSION.has(mediaType);
}

/**
 * The compression a layer media type declares.
 * @throws ImageError UNSUPPORTED_MEDIA_TYPE for anything that is not a known layer type.
 */
export function layerCompression(mediaType: string, what = 'layer'): Compression {
  const compression = LAYER_COMPRESSION.get(mediaType);
  if (compression === undefined) {
    throw new ImageError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${what} has media type "${mediaType.slice(0, 200)}", which is not a container image ` +
        'layer Moat can read (OCI or Docker tar, gzip or zstd)',
    );
  }

  return compression;
}
