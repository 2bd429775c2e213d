// Small shared pieces for catalogers: which entries carry content, and reading the files a
// cataloger selected from the view.
import { describeError } from '../errors.js';
import type { FileMeta, FileView } from '../image/types.js';
import type { Warning } from './model.js';

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

/**
 * Calls `visit` with the content of every selected file that was captured. A visit that
 * throws becomes a warning for that file and the other files go on.
 */
export async function visitSelected(
  view: FileView,
  accepts: (path: string) => boolean,
  warnings: Warning[],
  visit: (meta: FileMeta, content: Buffer) => void | Promise<void>,
): Promise<void> {
  for (const meta of selectedEntries(view, accepts)) {
    try {
      const content = await view.readFile(meta.path);
      if (content !== undefined) {
        await visit(meta, content);
      }
    } catch (err) {
      const message = `file could not be cataloged: ${describeError(err)}`;
      warnings.push({ code: 'CATALOG_FILE_FAILED', message, path: meta.path });
    }
  }
}
