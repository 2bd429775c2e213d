// Turns what the user typed into something to read: an image (a source plus its resolved,
// verified manifest and config) or a root filesystem directory.
import { stat } from 'node:fs/promises';
import { ImageError } from './errors.js';
import { resolveLimits, type ImageLimits } from './limits.js';
import { parseImageReference, transportOf } from './reference.js';
import { openRegistrySource, type RegistrySourceOptions } from './registry/index.js';
import { dockerArchiveSource } from './sources/docker-archive.js';
import { directoryFiles, archiveFiles } from './sources/layout-files.js';
import { OciLayoutSource } from './sources/oci-layout.js';
import { indexTar } from './sources/tar-index.js';
import type { ImageSource, Platform, ResolvedImage } from './types.js';

export type OpenedImage =
  | { kind: 'image'; source: ImageSource; image: ResolvedImage }
  | { kind: 'rootfs'; path: string };

export interface OpenImageOptions {
  platform?: Platform;
  limits?: Partial<ImageLimits>;
  /** Registry options: plain HTTP, credentials file, environment, fetch. */
  registry?: Omit<RegistrySourceOptions, 'platform' | 'limits'>;
}

/**
 * Opens and resolves an image reference. Close `source` when done.
 * @throws ImageError INVALID_REFERENCE, NOT_FOUND, LAYOUT_INVALID, ARCHIVE_INVALID and what
 * resolving the manifest throws (DIGEST_MISMATCH, PLATFORM_NOT_FOUND, …).
 */
export async function openImage(
  text: string,
  options: OpenImageOptions = {},
): Promise<OpenedImage> {
  const ref = parseImageReference(text);
  if (ref.kind === 'dir') {
    await expectKind(ref.path, 'directory', text);
    return { kind: 'rootfs', path: ref.path };
  }

  const source = await openSource(text, ref, options);
  try {
    return { kind: 'image', source, image: await source.resolve() };
  } catch (err) {
    await source.close();
    throw err;
  }
}

async function openSource(
  text: string,
  ref: Exclude<ReturnType<typeof parseImageReference>, { kind: 'dir' }>,
  options: OpenImageOptions,
): Promise<ImageSource> {
  const limits = resolveLimits(options.limits);
  const platform = options.platform === undefined ? {} : { platform: options.platform };
  if (ref.kind === 'registry') {
    const opened = await openRegistrySource(ref.text, {
      ...options.registry,
      ...platform,
      limits,
    });
    return opened.source;
  }

  const common = { reference: text, transport: transportOf(ref), limits, ...platform };
  if (ref.kind === 'oci') {
    await expectKind(ref.path, 'directory', text);
    const selector = ref.tag === undefined ? {} : { name: ref.tag };
    return new OciLayoutSource(directoryFiles(ref.path), { ...common, selector });
  }

  await expectKind(ref.path, 'file', text);
  const archive = await indexTar(ref.path, limits.maxArchiveMembers);
  if (ref.kind === 'oci-archive') {
    const selector = ref.tag === undefined ? {} : { name: ref.tag };
    return new OciLayoutSource(archiveFiles(archive), { ...common, selector });
  }

  const selector = {
    ...(ref.name === undefined ? {} : { name: ref.name }),
    ...(ref.index === undefined ? {} : { index: ref.index }),
  };
  return dockerArchiveSource(archive, { ...common, selector });
}

async function expectKind(path: string, kind: 'file' | 'directory', text: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  const ok = kind === 'file' ? info?.isFile() : info?.isDirectory();
  if (ok !== true) {
    throw new ImageError(
      'NOT_FOUND',
      `${text}: ${path} is not an existing ${kind}; check the path in the reference`,
    );
  }
}
