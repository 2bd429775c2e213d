// Where blob bytes live. The registry core talks to this interface only, so an object store
// can replace the filesystem later; `FsBlobStore` is in fs-blob-store.ts.
import type { Readable } from 'node:stream';

export interface BlobInfo {
  size: number;
  /** Last time the blob was written or re-pushed; GC leaves recent blobs alone. */
  modified: Date;
}

/** Bytes verified against their digest, in a private place, not yet visible. */
export interface StagedBlob {
  digest: string;
  size: number;
  /** Opaque handle for `commit` and `discard`. */
  handle: string;
}

export interface BlobStore {
  /**
   * Streams `source` into a private temp file, verifying digest (and size when given), and
   * syncs it to disk.
   * @throws RegistryError DIGEST_INVALID or SIZE_INVALID, nothing staged.
   */
  stage(source: Readable, expected: { digest: string; size?: number }): Promise<StagedBlob>;
  /**
   * Stages bytes already on disk at `file` (an upload session), moving the file. `hashed` is
   * the digest the caller computed while the bytes arrived; without it the file is re-read.
   * @throws RegistryError DIGEST_INVALID or SIZE_INVALID, the file removed.
   */
  stageFile(file: string, expected: { digest: string; size?: number },
    hashed?: string): Promise<StagedBlob>;
  /** Makes a staged blob visible under its digest (atomic rename; a re-push refreshes it). */
  commit(staged: StagedBlob): Promise<void>;
  discard(staged: StagedBlob): Promise<void>;
  /** Synchronous existence check, usable inside a metadata transaction. */
  existsSync(digest: string): boolean;
  stat(digest: string): Promise<BlobInfo | undefined>;
  /** Opens a blob, or the inclusive byte range [start, end] of it. */
  open(digest: string, range?: { start: number; end: number }): Readable;
  /**
   * The blob's file on local disk, for serving it without copies (sendfile); stores that keep
   * blobs elsewhere leave this out.
   */
  localFile?(digest: string): string;
  /** Removes a blob; synchronous so that GC can do it while holding the metadata lock. */
  deleteSync(digest: string, olderThan: Date): boolean;
  /** Every stored digest, for GC. */
  list(): AsyncIterable<string>;
  /** Removes temp files older than `olderThan` that no live operation owns. */
  sweepTemp(olderThan: Date): Promise<number>;
}
