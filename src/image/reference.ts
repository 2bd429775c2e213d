// Image references as users type them, in skopeo's transport syntax (containers-transports(5)):
// `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`, `docker-archive:FILE[:NAME:TAG|:@N]`, `dir:PATH`
// (a root filesystem, Moat's own), and registry images with or without `docker://`.
import { existsSync } from 'node:fs';
import { ImageError } from './errors.js';

export type ImageReference =
  | { kind: 'oci'; path: string; tag?: string }
  | { kind: 'oci-archive'; path: string; tag?: string }
  | { kind: 'docker-archive'; path: string; name?: string; index?: number }
  | { kind: 'dir'; path: string }
  | { kind: 'registry'; text: string };

const FILE_TRANSPORTS = ['oci', 'oci-archive', 'docker-archive', 'dir'] as const;

/**
 * Parses a reference. `exists` tells whether a path exists; it decides whether a `:` belongs
 * to the path or starts the tag (`oci:/a:b` is the directory `/a:b` when that exists).
 * @throws ImageError INVALID_REFERENCE for an empty path or an unknown transport.
 */
export function parseImageReference(
  text: string,
  exists: (path: string) => boolean = existsSync,
): ImageReference {
  const trimmed = text.trim();
  if (trimmed.startsWith('docker://')) {
    return registry(trimmed.slice('docker://'.length), text);
  }

  const colon = trimmed.indexOf(':');
  const transport = colon < 0 ? '' : trimmed.slice(0, colon);
  if (!(FILE_TRANSPORTS as readonly string[]).includes(transport)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) || /^[a-z-]+:\//.test(trimmed)) {
      throw invalid(text, `unknown transport "${transport}"`);
    }

    return registry(trimmed, text);
  }

  const rest = trimmed.slice(colon + 1);
  if (transport === 'dir') {
    return { kind: 'dir', path: nonEmpty(rest, text) };
  }

  if (transport === 'docker-archive') {
    return dockerArchive(rest, text, exists);
  }

  const { path, suffix } = splitPath(rest, exists);
  const base = { path: nonEmpty(path, text) };
  const kind = transport as 'oci' | 'oci-archive';
  return suffix === undefined || suffix === '' ? { kind, ...base } : { kind, ...base, tag: suffix };
}

/** The transport name an ImageReference reports (`docker` for registries, as skopeo says). */
export function transportOf(ref: ImageReference): string {
  return ref.kind === 'registry' ? 'docker' : ref.kind;
}

function dockerArchive(rest: string, text: string, exists: (path: string) => boolean) {
  const { path, suffix } = splitPath(rest, exists);
  const base = { kind: 'docker-archive' as const, path: nonEmpty(path, text) };
  if (suffix === undefined || suffix === '') {
    return base;
  }

  if (suffix.startsWith('@')) {
    const index = Number(suffix.slice(1));
    if (!Number.isSafeInteger(index) || index < 0) {
      throw invalid(text, `"${suffix}" is not an image position like @0`);
    }

    return { ...base, index };
  }

  return { ...base, name: suffix };
}

// The longest prefix that exists is the path; otherwise the first `:` ends it, so a
// docker-archive NAME:TAG suffix keeps its own colon.
function splitPath(rest: string, exists: (path: string) => boolean) {
  if (exists(rest)) {
    return { path: rest, suffix: undefined };
  }

  for (let at = rest.lastIndexOf(':'); at > 0; at = rest.lastIndexOf(':', at - 1)) {
    if (exists(rest.slice(0, at))) {
      return { path: rest.slice(0, at), suffix: rest.slice(at + 1) };
    }
  }

  const first = rest.indexOf(':');
  return first < 0
    ? { path: rest, suffix: undefined }
    : { path: rest.slice(0, first), suffix: rest.slice(first + 1) };
}

function registry(rest: string, text: string): ImageReference {
  return { kind: 'registry', text: nonEmpty(rest, text) };
}

function nonEmpty(value: string, text: string): string {
  if (value === '') {
    throw invalid(text, 'the path or name is empty');
  }

  return value;
}

function invalid(text: string, detail: string): ImageError {
  return new ImageError(
    'INVALID_REFERENCE',
    `"${text.slice(0, 300)}" is not an image reference: ${detail}; use oci:DIR[:TAG], ` +
      'oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], dir:PATH or REGISTRY/REPO:TAG',
  );
}
