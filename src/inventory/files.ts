// Small shared pieces for catalogers: which entries carry content, and reading the files a
// cataloger selected from the view.
import type { FileMeta, FileView } from '../image/types.js';

/** True for entries whose bytes can be read: regular files and hard links to them. */
export function hasContent(meta: FileMeta): boolean {
  return meta.type === 'file' || meta.type === 'hardlink';
}

/** Every content-bearing entry whose path the predicate accepts, in path order. */
export function selectedEntries(view: FileView, accepts: (path: string) => boolean): FileMeta[] {
  const found: FileMeta[] = [];
  for (const meta of view.entries()) {
    if (hasContent(meta) && accepts(meta.path)) {
      found.push(meta);
    }
  }

  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The last path segment. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The path without its last segment (`/` for top-level entries). */
export function dirName(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}
