// The host's files as the host audit sees them. The core reads only through this interface,
// so tests can point it at captured /proc and cgroup trees; `fsHostReader` is the real edge.
import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface HostReader {
  /** A file's text, or undefined when it is gone (process exited) or unreadable. */
  read(path: string): Promise<string | undefined>;
  readlink(path: string): Promise<string | undefined>;
  list(path: string): Promise<string[]>;
}

const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Reads the live host, or a copy of its tree under `root` (a captured /proc and /sys). */
export function fsHostReader(root = '/'): HostReader {
  const at = (path: string): string => join(root, path);
  return {
    async read(path) {
      try {
        const text = await readFile(at(path), 'utf8');
        return text.length > MAX_FILE_BYTES ? text.slice(0, MAX_FILE_BYTES) : text;
      } catch {
        return undefined;
      }
    },
    async readlink(path) {
      try {
        return await readlink(at(path));
      } catch {
        return undefined;
      }
    },
    async list(path) {
      try {
        return await readdir(at(path));
      } catch {
        return [];
      }
    },
  };
}
