// From a starting descriptor to a verified single-platform image: fetch the manifest (through
// nested indexes, choosing a platform), check its digest, then fetch and check the config.
import { verifyBuffer } from './digest.js';
import { ImageError } from './errors.js';
import type { ImageLimits } from './limits.js';
import { parseImageConfig, parseManifestDocument } from './manifest.js';
import { formatPlatform, selectPlatform } from './platform.js';
import type { Descriptor, ImageConfig, Platform, ResolvedImage } from './types.js';

/** Reads a blob's bytes whole; the resolver verifies them. */
export type ReadBlob = (desc: Descriptor, maxBytes: number) => Promise<Buffer>;

export interface ResolveOptions {
  /** A manifest or index descriptor, or the manifests of an index already read. */
  start: Descriptor | readonly Descriptor[];
  readBlob: ReadBlob;
  reference: string;
  transport: string;
  limits: ImageLimits;
  /** The platform the user asked for; the host's when absent. */
  platform?: Platform;
}

const MAX_INDEX_DEPTH = 4;

/**
 * Resolves and verifies manifest and config.
 * @throws ImageError DIGEST_MISMATCH, SIZE_MISMATCH, MANIFEST_INVALID, CONFIG_INVALID,
 * UNSUPPORTED_MEDIA_TYPE, PLATFORM_NOT_FOUND, LIMIT_EXCEEDED.
 */
export async function resolveImage(options: ResolveOptions): Promise<ResolvedImage> {
  const { limits, reference } = options;
  let desc = Array.isArray(options.start)
    ? selectPlatform(options.start, options.platform)
    : (options.start as Descriptor);

  for (let depth = 0; depth <= MAX_INDEX_DEPTH; depth += 1) {
    const what = `manifest ${desc.digest} of ${reference}`;
    const bytes = await readVerified(options, desc, limits.maxManifestBytes, what);
    const doc = parseManifestDocument(bytes, {
      mediaType: desc.mediaType,
      maxBytes: limits.maxManifestBytes,
      what,
    });
    if (doc.kind === 'index') {
      desc = selectPlatform(doc.index.manifests, options.platform);
      continue;
    }

    const { manifest } = doc;
    if (manifest.layers.length > limits.maxLayers) {
      throw new ImageError(
        'LIMIT_EXCEEDED',
        `${reference} has ${manifest.layers.length} layers, over the limit of ${limits.maxLayers}`,
      );
    }

    const configWhat = `config ${manifest.config.digest} of ${reference}`;
    const configBytes = await readVerified(
      options,
      manifest.config,
      limits.maxConfigBytes,
      configWhat,
    );
    const config = parseImageConfig(configBytes, limits.maxConfigBytes, configWhat);
    checkConfig(config, manifest.layers.length, configWhat);
    const platform = platformOf(config, desc);
    checkPlatform(platform, options.platform, reference);
    return {
      reference,
      transport: options.transport,
      manifestDigest: desc.digest,
      manifestMediaType: manifest.mediaType,
      configDigest: manifest.config.digest,
      config,
      layers: manifest.layers,
      ...(platform === undefined ? {} : { platform }),
    };
  }

  throw new ImageError(
    'MANIFEST_INVALID',
    `${reference} nests indexes more than ${MAX_INDEX_DEPTH} deep; the image is malformed`,
  );
}

async function readVerified(
  options: ResolveOptions,
  desc: Descriptor,
  maxBytes: number,
  what: string,
): Promise<Buffer> {
  if (desc.size > maxBytes) {
    throw new ImageError(
      'LIMIT_EXCEEDED',
      `${what} is ${desc.size} bytes, over the ${maxBytes}-byte limit`,
    );
  }

  const bytes = await options.readBlob(desc, maxBytes);
  verifyBuffer(bytes, { digest: desc.digest, size: desc.size, what });
  return bytes;
}

function checkConfig(config: ImageConfig, layers: number, what: string): void {
  const diffIds = config.rootfs?.diff_ids.length ?? 0;
  if (diffIds !== layers) {
    throw new ImageError(
      'CONFIG_INVALID',
      `${what} lists ${diffIds} diff_ids for ${layers} layers; the image is corrupt`,
    );
  }
}

function platformOf(config: ImageConfig, desc: Descriptor): Platform | undefined {
  if (config.os !== undefined && config.architecture !== undefined) {
    const platform: Platform = { os: config.os, architecture: config.architecture };
    return config.variant === undefined ? platform : { ...platform, variant: config.variant };
  }

  return desc.platform;
}

// A single-platform image that is not what the user asked for is an error, as in `docker pull`.
function checkPlatform(actual: Platform | undefined, wanted: Platform | undefined, ref: string) {
  if (actual === undefined || wanted === undefined) {
    return;
  }

  try {
    selectPlatform([{ mediaType: '', digest: '', size: 0, platform: actual }], wanted);
  } catch {
    throw new ImageError(
      'PLATFORM_NOT_FOUND',
      `${ref} is a ${formatPlatform(actual)} image, not ${formatPlatform(wanted)}; ` +
        `drop --platform or pass --platform ${formatPlatform(actual)}`,
    );
  }
}
