// Applies layers top-down (last layer first) the way overlay filesystems stack them, so each
// path of the final tree is decided once, by the highest layer that has it. Whiteouts
// (`.wh.NAME`) and opaque markers (`.wh..wh..opq`) hide only lower layers' entries
// (image-spec layer.md "Whiteouts"), so a layer's own markers take effect after that layer.
import type { LayerEntry } from './layers/entry.js';
import { parentPath } from './paths.js';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

export type Verdict = 'visible' | 'hidden' | 'marker';

interface Decided {
  layer: number;
  isDir: boolean;
}

export class OverlayTree {
  private readonly decided = new Map<string, Decided>();
  private readonly deleted = new Set<string>();
  private readonly opaque = new Set<string>();
  private pendingDeleted: string[] = [];
  private pendingOpaque: string[] = [];
  private layer = Number.POSITIVE_INFINITY;

  /** Starts a layer; layers must come in descending index order. */
  beginLayer(index: number): void {
    this.layer = index;
  }

  /** Applies the layer's whiteouts and opaque markers to the layers below it. */
  endLayer(): void {
    for (const path of this.pendingDeleted) {
      this.deleted.add(path);
    }

    for (const path of this.pendingOpaque) {
      this.opaque.add(path);
    }

    this.pendingDeleted = [];
    this.pendingOpaque = [];
  }

  /**
   * Decides an entry of the current layer: `marker` for a whiteout or opaque marker,
   * `hidden` when a higher layer shadows or deletes it, else `visible` (and recorded).
   */
  decide(entry: LayerEntry): Verdict {
    if (entry.path.includes(`/${WHITEOUT_PREFIX}`)) {
      const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
      if (name.startsWith(WHITEOUT_PREFIX)) {
        this.recordMarker(entry.path, name);
      }

      // Anything else under a `.wh.` name is inside aufs bookkeeping (`.wh..wh.plnk/`).
      return 'marker';
    }

    const previous = this.decided.get(entry.path);
    if (previous !== undefined && previous.layer !== this.layer) {
      return 'hidden';
    }

    if (this.deleted.has(entry.path) || this.hiddenByAncestor(entry.path)) {
      return 'hidden';
    }

    this.decided.set(entry.path, { layer: this.layer, isDir: entry.type === 'dir' });
    return 'visible';
  }

  private recordMarker(path: string, name: string): void {
    const dir = parentPath(path);
    if (name === OPAQUE_MARKER) {
      this.pendingOpaque.push(dir);
      return;
    }

    // Other `.wh..wh.` names are aufs bookkeeping (hard-link dirs), not whiteouts.
    if (!name.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) {
      const target = name.slice(WHITEOUT_PREFIX.length);
      this.pendingDeleted.push(dir === '/' ? `/${target}` : `${dir}/${target}`);
    }
  }

  // A higher layer deleted an ancestor, made it opaque, or replaced it with a non-directory.
  private hiddenByAncestor(path: string): boolean {
    for (let dir = parentPath(path); dir !== '/'; dir = parentPath(dir)) {
      if (this.deleted.has(dir) || this.opaque.has(dir)) {
        return true;
      }

      const above = this.decided.get(dir);
      if (above !== undefined && above.layer !== this.layer && !above.isDir) {
        return true;
      }
    }

    return this.opaque.has('/');
  }
}
