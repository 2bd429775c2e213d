// One tar entry of a layer, normalised: an absolute path inside the image, its type, and a
// hard link's target as an absolute path. Names that climb out with `..` are rejected.
import type { Header } from 'tar-stream';
import { ImageError } from '../errors.js';
import type { EntryType } from '../types.js';

export interface LayerEntry {
  /** `/usr/bin/env`; whiteout markers keep their `.wh.` names. */
  path: string;
  type: EntryType;
  size: number;
  mode: number;
  /** A symlink's target as written, or a hard link's target as an absolute path. */
  linkTarget?: string;
}

const TYPES: Partial<Record<string, EntryType>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
};

/**
 * Normalises a tar header into a LayerEntry; undefined for the root entry (`./`).
 * @throws ImageError PATH_TRAVERSAL for `..` in a name or hard link target,
 * LIMIT_EXCEEDED for a name longer than `maxPathLength`.
 */
export function toLayerEntry(
  header: Header,
  maxPathLength: number,
  where: string,
): LayerEntry | undefined {
  const path = normaliseEntryName(header.name, maxPathLength, where);
  if (path === undefined) {
    return undefined;
  }

  const type = TYPES[header.type ?? 'file'] ?? 'other';
  const entry: LayerEntry = {
    path,
    type,
    size: type === 'file' ? (header.size ?? 0) : 0,
    mode: (header.mode ?? 0) & 0o7777,
  };
  if (type === 'symlink') {
    entry.linkTarget = header.linkname ?? '';
  } else if (type === 'hardlink') {
    entry.linkTarget = normaliseEntryName(header.linkname ?? '', maxPathLength, where) ?? '/';
  }

  return entry;
}

/** `./usr//bin/` and `/usr/bin` both become `/usr/bin`; `..` is refused. */
function normaliseEntryName(
  name: string,
  maxPathLength: number,
  where: string,
): string | undefined {
  if (name.length > maxPathLength) {
    throw new ImageError(
      'LIMIT_EXCEEDED',
      `${where} has a path of ${name.length} bytes, over the ${maxPathLength}-byte limit`,
    );
  }

  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..') || name.includes('\0')) {
    throw new ImageError(
      'PATH_TRAVERSAL',
      `${where} has an entry "${name.slice(0, 200)}" that climbs out of the image root; the ` +
        'layer is hostile or corrupt: do not use this image',
    );
  }

  return parts.length === 0 ? undefined : `/${parts.join('/')}`;
}
