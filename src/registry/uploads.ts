// Blob upload sessions (distribution-spec "Pushing blobs"): bytes append to a session file
// under DATA/uploads; a chunk that breaks off is cut back so the session stays resumable at its
// last whole chunk; completing verifies the digest before the blob becomes visible.
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { mkdir, open, readdir, rm, stat, truncate, writeFile, type FileHandle } from
  'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, StagedBlob } from './blob-store.js';
import { RegistryError } from './errors.js';
import type { RegistryMetadata, UploadSession } from './metadata.js';

export interface UploadLimits {
  maxBlobBytes: number;
  maxUploadsPerRepository: number;
}

/** A session that received nothing for this long no longer counts against the limit. */
const ACTIVE_MS = 60 * 60 * 1000;
/**
 * Bytes buffered towards a session file before the socket is paused: with the 16 KiB default,
 * every 64 KiB socket chunk waited for its own disk write before the next was read.
 */
const WRITE_BUFFER_BYTES = 1024 * 1024;
/**
 * Written bytes after which the file's data is flushed in the background while more arrive, so
 * the fsync that completion waits for has little left to write (the `bytes_per_sync` of
 * databases): without it a 100 MiB layer is all still dirty when the last chunk lands.
 */
const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

export class Uploads {
  private readonly busy = new Set<string>();
  /**
   * sha256 state of each session's bytes so far, so completion need not read them again. Lost
   * on restart, when completion falls back to hashing the file.
   */
  private readonly hashes = new Map<string, { hash: Hash; offset: number }>();

  constructor(
    private readonly dir: string,
    private readonly metadata: RegistryMetadata,
    private readonly store: BlobStore,
    private readonly limits: UploadLimits,
  ) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /**
   * Opens a session.
   * @throws RegistryError TOOMANYREQUESTS when the repository has too many open sessions.
   */
  async start(repository: string): Promise<UploadSession> {
    const now = new Date();
    const session: UploadSession = { id: randomUUID(), repository, offset: 0, started: now,
      updated: now };
    await writeFile(this.fileOf(session.id), '', { flag: 'wx', mode: 0o600 });
    // Abandoned sessions (idle for an hour) do not count: they wait for `moat gc`.
    const activeSince = new Date(now.getTime() - ACTIVE_MS);
    if (!this.metadata.createUpload(session, this.limits.maxUploadsPerRepository, activeSince)) {
      await rm(this.fileOf(session.id), { force: true });
      throw new RegistryError('TOOMANYREQUESTS', 429, `${repository} has ` +
        `${this.limits.maxUploadsPerRepository} open uploads: finish or wait for them`);
    }

    this.hashes.set(session.id, { hash: createHash('sha256'), offset: 0 });
    return session;
  }

  /**
   * The session, for status and for checks.
   * @throws RegistryError BLOB_UPLOAD_UNKNOWN.
   */
  get(repository: string, id: string): UploadSession {
    const session = this.metadata.getUpload(repository, id);
    if (session === undefined) {
      throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 404, `upload ${id.slice(0, 40)} is unknown ` +
        'or expired: start a new upload');
    }

    return session;
  }

  /**
   * Appends a chunk. `start` (from Content-Range) must equal the current offset.
   * @throws RegistryError BLOB_UPLOAD_UNKNOWN, RANGE_INVALID (416), SIZE_INVALID.
   */
  async append(repository: string, id: string, body: Readable, start?: number): Promise<number> {
    const session = this.get(repository, id);
    if ((start !== undefined && start !== session.offset) || this.busy.has(id)) {
      throw new RegistryError('RANGE_INVALID', 416, `upload ${id} is at offset ` +
        `${session.offset}: send the next chunk from there (check with GET on the upload URL)`);
    }

    this.busy.add(id);
    try {
      let written = 0;
      const limit = this.limits.maxBlobBytes - session.offset;
      const state = this.hashes.get(id);
      const hash = state?.offset === session.offset ? state.hash.copy() : undefined;
      let unsynced = 0;
      let syncing = false;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback): void {
          written += chunk.length;
          unsynced += chunk.length;
          hash?.update(chunk);
          if (unsynced >= SYNC_EVERY_BYTES && !syncing) {
            // Only an early start: durability comes from the fsync at staging. A sync that
            // races the close fails harmlessly, and its error is dropped.
            unsynced = 0;
            syncing = true;
            handle.datasync().catch(() => undefined).finally(() => (syncing = false));
          }

          callback(written > limit ? tooLarge(limit + session.offset) : null, chunk);
        },
      });
      let handle: FileHandle;
      try {
        handle = await open(this.fileOf(id), 'r+');
      } catch (err) {
        if (isMissing(err)) {
          await this.cancel(id);
          throw lostSession(id, err);
        }

        throw err;
      }

      // The stream closes the handle when it ends or fails.
      const file = handle.createWriteStream({ start: session.offset,
        highWaterMark: WRITE_BUFFER_BYTES });
      try {
        await pipeline(body, counter, file);
      } catch (err) {
        if (isMissing(err)) {
          await this.cancel(id);
          throw lostSession(id, err);
        }

        await truncate(this.fileOf(id), session.offset).catch(() => undefined);
        throw err;
      }

      const offset = session.offset + written;
      this.metadata.setUploadOffset(id, offset, new Date());
      if (hash === undefined) {
        this.hashes.delete(id);
      } else {
        this.hashes.set(id, { hash, offset });
      }

      return offset;
    } finally {
      this.busy.delete(id);
    }
  }

  /**
   * Appends the last chunk (if any), verifies the whole upload against `digest` and returns
   * it staged in the blob store. The session ends either way but for a broken final chunk.
   * @throws RegistryError DIGEST_INVALID, SIZE_INVALID, BLOB_UPLOAD_UNKNOWN, RANGE_INVALID.
   */
  async finish(repository: string, id: string, digest: string, body?: Readable,
    start?: number): Promise<StagedBlob> {
    if (body !== undefined) {
      await this.append(repository, id, body, start);
    }

    const session = this.get(repository, id);
    if (this.busy.has(id)) {
      throw new RegistryError('RANGE_INVALID', 416, `upload ${id} is still receiving a chunk`);
    }

    this.busy.add(id);
    try {
      const state = this.hashes.get(id);
      const hashed = state?.offset === session.offset && digest.startsWith('sha256:')
        ? `sha256:${state.hash.digest('hex')}`
        : undefined;
      return await this.store.stageFile(this.fileOf(id), { digest }, hashed).catch((err) => {
        throw isMissing(err) ? lostSession(id, err) : err;
      });
    } finally {
      this.busy.delete(id);
      await this.cancel(id);
    }
  }

  async cancel(id: string): Promise<void> {
    this.hashes.delete(id);
    this.metadata.deleteUpload(id);
    await rm(this.fileOf(id), { force: true });
  }

  /** Ends sessions idle since before `before`, with their files. */
  async expire(before: Date): Promise<number> {
    const expired = this.metadata.expiredUploads(before);
    for (const session of expired) {
      await this.cancel(session.id);
    }

    return expired.length;
  }

  /** Removes session files older than `before` that have no session (a crash mid-start). */
  async sweepOrphans(before: Date): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.dir).catch(() => [])) {
      const info = await stat(join(this.dir, name)).catch(() => undefined);
      const known = this.metadata.uploadExists(name);
      if (info !== undefined && info.mtime < before && !known) {
        await rm(join(this.dir, name), { force: true });
        removed += 1;
      }
    }

    return removed;
  }

  /** Session id → file; ids are UUIDs we made, checked again here against traversal. */
  private fileOf(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) {
      throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 404,
        'malformed upload id: start a new upload');
    }

    return join(this.dir, id);
  }
}

/** The SIZE_INVALID error for a blob over the configured limit. */
export function tooLarge(max: number): RegistryError {
  return new RegistryError('SIZE_INVALID', 413, `the blob is larger than the ${max}-byte upload ` +
    'limit: raise limits.maxBlobBytes in the server config if this is expected');
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

// A crash between moving a finished upload's bytes and ending its session leaves a row with
// no file; the client must start again.
function lostSession(id: string, cause: unknown): RegistryError {
  return new RegistryError('BLOB_UPLOAD_UNKNOWN', 404, `upload ${id} lost its data in a server ` +
    'restart: start a new upload', { cause });
}
