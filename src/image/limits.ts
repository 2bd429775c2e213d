// Limits on everything read from an image, so a hostile image (a tar bomb, a huge manifest,
// millions of entries) stops with LIMIT_EXCEEDED instead of exhausting memory or disk.
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export interface ImageLimits {
  /** Bytes of a manifest or index document. */
  maxManifestBytes: number;
  /** Bytes of an image config. */
  maxConfigBytes: number;
  /** Layers in one image. */
  maxLayers: number;
  /** Uncompressed bytes of one layer's tar stream. */
  maxLayerBytes: number;
  /** Uncompressed bytes of all layers together. */
  maxImageBytes: number;
  /** Tar entries across all layers. */
  maxEntries: number;
  /** Bytes of one path inside a layer. */
  maxPathLength: number;
  /** Bytes kept for one captured file, whatever a cataloger asks for. */
  maxFileCaptureBytes: number;
  /** Bytes kept for all captured files together. */
  maxCaptureBytes: number;
  /** Members of an outer archive (oci-archive, docker-archive). */
  maxArchiveMembers: number;
}

export const DEFAULT_LIMITS: Readonly<ImageLimits> = Object.freeze({
  maxManifestBytes: 4 * MiB,
  maxConfigBytes: 16 * MiB,
  maxLayers: 512,
  maxLayerBytes: 16 * GiB,
  maxImageBytes: 64 * GiB,
  maxEntries: 4_000_000,
  maxPathLength: 4096,
  maxFileCaptureBytes: 256 * MiB,
  maxCaptureBytes: 2 * GiB,
  maxArchiveMembers: 100_000,
});

/** The defaults with the given overrides applied. */
export function resolveLimits(overrides: Partial<ImageLimits> = {}): ImageLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
