// The entries of one layer tar, from a directory on disk or from a hand-written file list.
// Hand-written lists keep their names (even a leading `/` or `..`) and order exactly, so tests
// can write whiteouts (`.wh.NAME`, `.wh..wh..opq`), hard links, symlink tricks, hostile names.
import type { Dirent } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Header } from 'tar-stream';

/** A tar header as tar-stream's `pack.entry` takes it. */
export type TarHeader = Partial<Header> & Pick<Header, 'name'>;

/** One file of a hand-written layer. A string or Buffer is a regular file's content. */
export type FileSpec =
  | string
  | Buffer
  | {
      type?: 'file' | 'dir' | 'symlink' | 'hardlink';
      content?: string | Buffer;
      /** Symlink target, or the in-layer path a hard link points at. */
      target?: string;
      mode?: number;
      uid?: number;
      gid?: number;
      mtime?: Date;
    };

/** A tar header plus where the content comes from (a file on disk or bytes in memory). */
export interface LayerEntry {
  header: TarHeader;
  source?: string;
  content?: Buffer;
}

const EPOCH = new Date('2024-01-01T00:00:00Z');

/**
 * Entries for a hand-written layer, in the order given. Parent directories missing from the
 * list are added before their first child unless `implicitDirs` is false or the name has `..`.
 */
export function* entriesFromFiles(
  files: Record<string, FileSpec>,
  implicitDirs = true,
): Generator<LayerEntry> {
  const listed = new Set(Object.keys(files).map((name) => trimSlashes(name)));
  const emitted = new Set<string>();
  for (const [name, spec] of Object.entries(files)) {
    if (implicitDirs && !name.split('/').includes('..')) {
      yield* parentDirs(trimSlashes(name), listed, emitted);
    }

    yield entryFromSpec(name, spec);
  }
}

function* parentDirs(
  name: string,
  listed: Set<string>,
  emitted: Set<string>,
): Generator<LayerEntry> {
  const parts = name.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i += 1) {
    const dir = parts.slice(0, i).join('/');
    if (dir === '' || dir === '.' || listed.has(dir) || emitted.has(dir)) {
      continue;
    }

    emitted.add(dir);
    yield { header: { name: `${dir}/`, type: 'directory', mode: 0o755, mtime: EPOCH } };
  }
}

function entryFromSpec(name: string, spec: FileSpec): LayerEntry {
  if (typeof spec === 'string' || Buffer.isBuffer(spec)) {
    const content = Buffer.from(spec);
    const size = content.length;
    return { header: { name, type: 'file', mode: 0o644, mtime: EPOCH, size }, content };
  }

  const base = { name, uid: spec.uid ?? 0, gid: spec.gid ?? 0, mtime: spec.mtime ?? EPOCH };
  const linkname = spec.target ?? '';
  switch (spec.type ?? 'file') {
    case 'dir': {
      const dirName = name.endsWith('/') ? name : `${name}/`;
      return { header: { ...base, name: dirName, type: 'directory', mode: spec.mode ?? 0o755 } };
    }
    case 'symlink':
      return { header: { ...base, type: 'symlink', linkname, mode: spec.mode ?? 0o777 } };
    case 'hardlink':
      return { header: { ...base, type: 'link', linkname, mode: spec.mode ?? 0o644 } };
    default: {
      const content = Buffer.from(spec.content ?? '');
      const mode = spec.mode ?? 0o644;
      return { header: { ...base, type: 'file', mode, size: content.length }, content };
    }
  }
}

/**
 * Entries for every file under `root` (not `root` itself), sorted by name, under `prefix`.
 * Files seen twice by inode become hard links; sockets are skipped.
 */
export async function* entriesFromDir(root: string, prefix = ''): AsyncGenerator<LayerEntry> {
  const base = trimSlashes(prefix);
  if (base !== '') {
    const parts = base.split('/');
    for (let i = 1; i <= parts.length; i += 1) {
      const name = `${parts.slice(0, i).join('/')}/`;
      yield { header: { name, type: 'directory', mode: 0o755, mtime: EPOCH } };
    }
  }

  yield* walk(root, base, new Map());
}

async function* walk(
  dir: string,
  inLayer: string,
  inodes: Map<string, string>,
): AsyncGenerator<LayerEntry> {
  const children: Dirent[] = await readdir(dir, { withFileTypes: true });
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const child of children) {
    const path = join(dir, child.name);
    const name = inLayer === '' ? child.name : posix.join(inLayer, child.name);
    const entry = await entryFromDisk(path, name, inodes);
    if (entry === undefined) {
      continue;
    }

    yield entry;
    if (entry.header.type === 'directory') {
      yield* walk(path, name, inodes);
    }
  }
}

async function entryFromDisk(
  path: string,
  name: string,
  inodes: Map<string, string>,
): Promise<LayerEntry | undefined> {
  const st = await lstat(path);
  const header: TarHeader = {
    name,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    mtime: st.mtime,
  };

  if (st.isDirectory()) {
    return { header: { ...header, name: `${name}/`, type: 'directory' } };
  }

  if (st.isSymbolicLink()) {
    return { header: { ...header, type: 'symlink', linkname: await readlink(path) } };
  }

  if (st.isFile()) {
    const inode = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1 ? inodes.get(inode) : undefined;
    if (first !== undefined) {
      return { header: { ...header, type: 'link', linkname: first } };
    }

    if (st.nlink > 1) {
      inodes.set(inode, name);
    }

    return { header: { ...header, type: 'file', size: st.size }, source: path };
  }

  if (st.isCharacterDevice() || st.isBlockDevice()) {
    const type = st.isCharacterDevice() ? 'character-device' : 'block-device';
    return { header: { ...header, type, devmajor: major(st.rdev), devminor: minor(st.rdev) } };
  }

  return st.isFIFO() ? { header: { ...header, type: 'fifo' } } : undefined;
}

// Linux dev_t encoding (glibc's gnu_dev_major/gnu_dev_minor), for the small numbers in /dev.
function major(rdev: number): number {
  return (rdev >> 8) & 0xfff;
}

function minor(rdev: number): number {
  return (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
}

function trimSlashes(name: string): string {
  return name.replace(/^\/+|\/+$/g, '');
}
