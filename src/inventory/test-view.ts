// Test support: builds a real ImageFileView the way the collector does, by asking each
// cataloger's `select` about every file and capturing only what it wants.
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FileMeta, Want } from '../image/types.js';
import { ImageFileView } from '../image/view.js';
import type { LayerRef } from './model.js';

export interface Selector {
  readonly name?: string;
  select(meta: FileMeta): Want | undefined;
}

export interface FixtureFile {
  /** Content as text or bytes, or `{ host }` to read a file of this machine. */
  content?: string | Buffer | { host: string };
  mode?: number;
  type?: FileMeta['type'];
  linkTarget?: string;
  layer?: LayerRef;
}

/** Builds a view of these image paths, capturing and scanning what the selectors select. */
export function buildView(
  files: Record<string, FixtureFile | string>,
  selectors: readonly Selector[],
): ImageFileView {
  const entries: FileMeta[] = [];
  const contents = new Map<string, Buffer>();
  const scans = new Map<string, Map<string, unknown>>();

  for (const [path, spec] of Object.entries(files)) {
    const file = typeof spec === 'string' ? { content: spec } : spec;
    let data: Buffer | undefined;
    const bytes = () => (data ??= bytesOf(file.content));
    const type = file.type ?? 'file';
    const meta: FileMeta = {
      path,
      type,
      size: type === 'file' ? sizeOf(file.content) : 0,
      mode: file.mode ?? (type === 'dir' ? 0o755 : 0o644),
      linkTarget: file.linkTarget,
      layer: file.layer,
    };
    entries.push(meta);

    for (const selector of selectors) {
      const want = selector.select(meta);
      if (want?.kind === 'content' && meta.size <= want.maxBytes) {
        contents.set(path, bytes());
      }

      if (want?.kind === 'scan') {
        const scanner = want.createScanner();
        for (let at = 0; at < meta.size; at += 65_536) {
          scanner.write(bytes().subarray(at, at + 65_536));
        }

        const perFile = scans.get(path) ?? new Map<string, unknown>();
        perFile.set(selector.name ?? 'unnamed', scanner.end());
        scans.set(path, perFile);
      }
    }
  }

  return new ImageFileView({ entries, contents, scans });
}

function sizeOf(content: FixtureFile['content']): number {
  if (content === undefined || typeof content === 'string' || Buffer.isBuffer(content)) {
    return bytesOf(content).length;
  }

  return statSync(content.host).size;
}

function bytesOf(content: FixtureFile['content']): Buffer {
  if (content === undefined) {
    return Buffer.alloc(0);
  }

  if (typeof content === 'string') {
    return Buffer.from(content);
  }

  return Buffer.isBuffer(content) ? content : readFileSync(content.host);
}

/**
 * The regular files and symlinks under a host directory as fixture entries at `prefix`,
 * keeping only paths `keep` accepts (`buildView` reads only the content selectors want).
 */
export function filesFromHostDir(
  dir: string,
  prefix: string,
  keep: (relative: string) => boolean = () => true,
): Record<string, FixtureFile> {
  const files: Record<string, FixtureFile> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const host = join(entry.parentPath, entry.name);
    const rel = relative(dir, host);
    if (!keep(rel)) {
      continue;
    }

    if (entry.isFile()) {
      files[`${prefix}/${rel}`] = { content: { host }, mode: statSync(host).mode & 0o7777 };
    } else if (entry.isSymbolicLink()) {
      files[`${prefix}/${rel}`] = { type: 'symlink', linkTarget: readlinkSync(host) };
    }
  }

  return files;
}
