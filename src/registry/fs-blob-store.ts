// Content-addressed blobs on a filesystem: `ROOT/blobs/sha256/ab/abcd…`. Bytes land in
// `ROOT/tmp`, are hashed on the way in and fsynced, and are renamed into place only once the
// digest matched, so a visible blob is always complete and correct.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync, unlinkSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDigestVerifier, parseDigest } from '../image/digest.js';
import { ImageError } from '../image/errors.js';
import type { BlobInfo, BlobStore, StagedBlob } from './blob-store.js';
import { RegistryError } from './errors.js';

/** Larger reads than the 64 KiB default: fewer syscalls when serving big layers. */
const READ_CHUNK_BYTES = 1024 * 1024;

export class FsBlobStore implements BlobStore {
  private readonly blobs: string;
  private readonly tmp: string;

  constructor(root: string) {
    this.blobs = join(root, 'blobs');
    this.tmp = join(root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.blobs, { recursive: true, mode: 0o700 });
    await mkdir(this.tmp, { recursive: true, mode: 0o700 });
  }

  async stage(source: Readable, expected: { digest: string; size?: number }): Promise<StagedBlob> {
    const handle = this.tempPath();
    try {
      const verifier = createDigestVerifier({ ...expected, what: 'the uploaded blob' });
      await pipeline(source, verifier, createWriteStream(handle, { flags: 'wx', mode: 0o600 }));
      return await this.synced(handle, expected.digest);
    } catch (err) {
      await rm(handle, { force: true });
      throw asUploadError(err);
    }
  }

  async stageFile(file: string, expected: { digest: string; size?: number },
    hashed?: string): Promise<StagedBlob> {
    const handle = this.tempPath();
    await rename(file, handle);
    try {
      if (hashed !== undefined && expected.size === undefined) {
        if (hashed !== expected.digest) {
          throw new RegistryError('DIGEST_INVALID', 400, `the uploaded blob hashed to ${hashed}, ` +
            `expected ${expected.digest}: the upload is corrupt, push it again`);
        }

        return await this.synced(handle, expected.digest);
      }

      const verifier = createDigestVerifier({ ...expected, what: 'the uploaded blob' });
      // Only the verifier's verdict matters: the bytes go nowhere.
      await pipeline(createReadStream(handle), verifier, new Writable({
        write: (_chunk, _encoding, callback) => callback(),
      }));
      return await this.synced(handle, expected.digest);
    } catch (err) {
      await rm(handle, { force: true });
      throw asUploadError(err);
    }
  }

  async commit(staged: StagedBlob): Promise<void> {
    const target = this.pathOf(staged.digest);
    await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
    // Rename even over an existing copy: same bytes, and the fresh mtime keeps GC away.
    await rename(staged.handle, target);
    const dir = await open(join(target, '..'), 'r');
    await dir.sync().finally(() => dir.close());
  }

  async discard(staged: StagedBlob): Promise<void> {
    await rm(staged.handle, { force: true });
  }

  existsSync(digest: string): boolean {
    return existsSync(this.pathOf(digest));
  }

  async stat(digest: string): Promise<BlobInfo | undefined> {
    try {
      const info = await stat(this.pathOf(digest));
      return { size: info.size, modified: info.mtime };
    } catch {
      return undefined;
    }
  }

  open(digest: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(digest), { ...range, highWaterMark: READ_CHUNK_BYTES });
  }

  localFile(digest: string): string {
    return this.pathOf(digest);
  }

  deleteSync(digest: string, olderThan: Date): boolean {
    const file = this.pathOf(digest);
    try {
      if (statSync(file).mtime >= olderThan) {
        return false;
      }

      unlinkSync(file);
      return true;
    } catch {
      return false;
    }
  }

  async *list(): AsyncIterable<string> {
    for (const algorithm of await readdirOrEmpty(this.blobs)) {
      for (const prefix of await readdirOrEmpty(join(this.blobs, algorithm))) {
        for (const hex of await readdirOrEmpty(join(this.blobs, algorithm, prefix))) {
          yield `${algorithm}:${hex}`;
        }
      }
    }
  }

  async sweepTemp(olderThan: Date): Promise<number> {
    let removed = 0;
    for (const name of await readdirOrEmpty(this.tmp)) {
      const file = join(this.tmp, name);
      const info = await stat(file).catch(() => undefined);
      if (info !== undefined && info.mtime < olderThan) {
        await rm(file, { force: true });
        removed += 1;
      }
    }

    return removed;
  }

  private pathOf(digest: string): string {
    const { algorithm, hex } = parseDigest(digest);
    return join(this.blobs, algorithm, hex.slice(0, 2), hex);
  }

  private tempPath(): string {
    return join(this.tmp, `blob-${randomBytes(12).toString('hex')}`);
  }

  private async synced(handle: string, digest: string): Promise<StagedBlob> {
    const file = await open(handle, 'r+');
    try {
      // A resumed upload's bytes may be hours old; GC must see them as just written.
      const now = new Date();
      await file.utimes(now, now);
      await file.sync();
      const { size } = await file.stat();
      return { digest, size, handle };
    } finally {
      await file.close();
    }
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

function asUploadError(err: unknown): unknown {
  if (err instanceof ImageError && err.code === 'DIGEST_MISMATCH') {
    return new RegistryError('DIGEST_INVALID', 400, err.message, { cause: err });
  }

  if (err instanceof ImageError && err.code === 'SIZE_MISMATCH') {
    return new RegistryError('SIZE_INVALID', 400, err.message, { cause: err });
  }

  return err;
}
