// The files of an OCI image layout, wherever they live: a directory, or members of a tar
// (oci-archive, and docker-archive from Docker 25+, which embeds a layout).
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { parseDigest } from '../digest.js';
import { ImageError } from '../errors.js';
import type { TarIndex } from './tar-index.js';

export interface LayoutFiles {
  /** Where the layout is, for messages. */
  readonly location: string;
  /** A file's bytes; undefined when it does not exist. */
  read(name: string, maxBytes: number): Promise<Buffer | undefined>;
  /** A file's byte stream; undefined when it does not exist. */
  open(name: string): Promise<Readable | undefined>;
}

/** `blobs/sha256/<hex>` (image-layout.md "Blobs"); the digest is validated, so no traversal. */
export function blobPath(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `blobs/${algorithm}/${hex}`;
}

export function directoryFiles(dir: string): LayoutFiles {
  return {
    location: dir,
    async read(name, maxBytes) {
      const handle = await open(join(dir, name), 'r').catch(missingAsUndefined);
      if (handle === undefined) {
        return undefined;
      }

      try {
        const { size } = await handle.stat();
        if (size > maxBytes) {
          throw tooLarge(join(dir, name), size, maxBytes);
        }

        return await handle.readFile();
      } finally {
        await handle.close();
      }
    },
    async open(name) {
      const path = join(dir, name);
      const info = await stat(path).catch(missingAsUndefined);
      if (info === undefined || !info.isFile()) {
        return undefined;
      }

      return createReadStream(path, { highWaterMark: 256 * 1024 });
    },
  };
}

export function archiveFiles(archive: TarIndex): LayoutFiles {
  return {
    location: archive.file,
    async read(name, maxBytes) {
      const member = archive.member(name);
      if (member === undefined) {
        return undefined;
      }

      if (member.size > maxBytes) {
        throw tooLarge(`${archive.file}:${name}`, member.size, maxBytes);
      }

      const handle = await open(archive.file, 'r');
      try {
        const bytes = Buffer.alloc(member.size);
        const { bytesRead } = await handle.read(bytes, 0, member.size, member.offset);
        return bytes.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async open(name) {
      return archive.open(name);
    },
  };
}

function missingAsUndefined(err: NodeJS.ErrnoException): undefined {
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
    return undefined;
  }

  throw new ImageError('READ_FAILED', `cannot read the image: ${err.message}`, { cause: err });
}

function tooLarge(what: string, size: number, maxBytes: number): ImageError {
  return new ImageError(
    'LIMIT_EXCEEDED',
    `${what} is ${size} bytes, over the ${maxBytes}-byte limit for this kind of file`,
  );
}
