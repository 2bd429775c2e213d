// The FileView catalogers read: the final filesystem of an image (whiteouts applied), the
// bytes of the files some cataloger captured, and the results of content scanners.
//
//   const view = new ImageFileView({
//     entries: [{ path: '/etc/os-release', type: 'file', size: 21, mode: 0o644 }],
//     contents: { '/etc/os-release': 'ID=debian\n' },
//     scans: { '/usr/bin/app': { 'go-binary': { module: 'x' } } },
//   });
import type { Warning } from '../inventory/model.js';
import { ContentStore } from './content-store.js';
import { absoluteLinkTarget, normaliseImagePath, resolveImagePath } from './paths.js';
import type { FileMeta, FileView } from './types.js';

type ScanTable = Map<string, Map<string, unknown>> | Record<string, Record<string, unknown>>;

export interface FileViewData {
  /**
   * Every entry of the final filesystem; paths absolute (`/usr/bin/env`). A Map keyed by
   * normalised path is adopted as is (no copy), which matters for large filesystems.
   */
  entries: Iterable<FileMeta> | Map<string, FileMeta>;
  /** Captured contents keyed by the entry's path (a store, a Map or a plain object). */
  contents?: ContentStore | Map<string, Buffer> | Record<string, Buffer | string>;
  /** Scanner results: path → cataloger name → result. */
  scans?: ScanTable;
  /** Problems met while collecting, for the inventory's warnings. */
  warnings?: Warning[];
}

export class ImageFileView implements FileView {
  readonly warnings: Warning[];
  private readonly byPath: Map<string, FileMeta>;
  private readonly contents: ContentStore;
  private readonly scans = new Map<string, Map<string, unknown>>();

  constructor(data: FileViewData) {
    this.byPath = data.entries instanceof Map ? data.entries : new Map();
    if (!(data.entries instanceof Map)) {
      for (const meta of data.entries) {
        const path = normaliseImagePath(meta.path);
        if (path !== undefined) {
          this.byPath.set(path, path === meta.path ? meta : { ...meta, path });
        }
      }
    }

    const contents = data.contents ?? new Map<string, Buffer>();
    this.contents = contents instanceof ContentStore ? contents : ContentStore.fromMap(contents);
    this.warnings = data.warnings ?? [];
    const scans = data.scans ?? new Map<string, Map<string, unknown>>();
    for (const [path, results] of scans instanceof Map ? scans : Object.entries(scans)) {
      this.scans.set(path, results instanceof Map ? results : new Map(Object.entries(results)));
    }
  }

  *entries(): Iterable<FileMeta> {
    yield* this.byPath.values();
  }

  get size(): number {
    return this.byPath.size;
  }

  lstat(path: string): FileMeta | undefined {
    const resolved = this.resolve(path, false);
    return resolved === undefined ? undefined : this.byPath.get(resolved);
  }

  stat(path: string): FileMeta | undefined {
    const resolved = this.resolve(path, true);
    return resolved === undefined ? undefined : this.byPath.get(resolved);
  }

  /** The final path `path` leads to (symlinks followed inside the root); undefined on a loop. */
  realPath(path: string): string | undefined {
    return this.resolve(path, true);
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const meta = this.stat(path);
    if (meta === undefined) {
      return undefined;
    }

    const own = await this.contents.get(meta.path);
    if (own !== undefined || meta.type !== 'hardlink' || meta.linkTarget === undefined) {
      return own;
    }

    // A hard link's bytes are its target's, captured under the target's path, unless a higher
    // layer has since replaced the target with another file.
    const targetPath = absoluteLinkTarget('/', meta.linkTarget);
    const target = this.byPath.get(targetPath);
    if (target?.layer?.index !== meta.layer?.index) {
      return undefined;
    }

    return this.contents.get(targetPath);
  }

  scanResult(path: string, cataloger: string): unknown {
    const exact = normaliseImagePath(path);
    const direct = exact === undefined ? undefined : this.scans.get(exact)?.get(cataloger);
    if (direct !== undefined) {
      return direct;
    }

    const resolved = this.resolve(path, true);
    return resolved === undefined ? undefined : this.scans.get(resolved)?.get(cataloger);
  }

  /** Deletes spilled content. Reads after close return undefined. */
  async close(): Promise<void> {
    await this.contents.close();
  }

  private resolve(path: string, followLast: boolean): string | undefined {
    return resolveImagePath(path, followLast, (candidate) => {
      const meta = this.byPath.get(candidate);
      return meta?.type === 'symlink' ? meta.linkTarget : undefined;
    });
  }
}
