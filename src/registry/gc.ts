// Garbage collection (mark and sweep): removes expired upload sessions, blobs that no manifest
// references, and stale temp files. It is safe while the server pushes: a blob linked or
// written within the grace period is kept, and the unreferenced check, the link removal and the
// file deletion happen in one metadata write transaction, which a concurrent manifest PUT or
// blob link also needs.
import type { Registry } from './registry.js';

export interface GcOptions {
  now: Date;
  /** Blobs pushed or linked more recently than this are kept (ms). */
  graceMs: number;
  /** Upload sessions idle for longer than this are ended (ms). */
  uploadExpiryMs: number;
  /** Report what would go, delete nothing. */
  dryRun?: boolean;
}

export interface GcResult {
  expiredUploads: number;
  removedBlobs: string[];
  removedTempFiles: number;
}

export const DEFAULT_GC = { graceMs: 60 * 60 * 1000, uploadExpiryMs: 24 * 60 * 60 * 1000 };

export async function collectGarbage(registry: Registry, options: GcOptions): Promise<GcResult> {
  const uploadCutoff = new Date(options.now.getTime() - options.uploadExpiryMs);
  const graceCutoff = new Date(options.now.getTime() - options.graceMs);
  const digests: string[] = [];
  for await (const digest of registry.store.list()) {
    digests.push(digest);
  }

  if (options.dryRun === true) {
    // Limitation: a dry run does not look at file times, so it may list a blob that was
    // re-pushed within the grace period and that the real run keeps.
    const candidates: string[] = [];
    for (const batch of batches(digests)) {
      registry.metadata.collect(batch, graceCutoff, (digest) => {
        candidates.push(digest);
        return false;
      });
    }

    return { expiredUploads: 0, removedBlobs: candidates, removedTempFiles: 0 };
  }

  const expiredUploads = await registry.uploads.expire(uploadCutoff);
  const removedBlobs: string[] = [];
  for (const batch of batches(digests)) {
    removedBlobs.push(...registry.metadata.collect(batch, graceCutoff,
      (digest) => registry.store.deleteSync(digest, graceCutoff)));
  }

  // Temp files belong to uploads in flight; none lives longer than an upload may idle.
  const removedTempFiles = await registry.store.sweepTemp(uploadCutoff) +
    await registry.uploads.sweepOrphans(graceCutoff);
  return { expiredUploads, removedBlobs, removedTempFiles };
}

/** Pushes wait for GC's write transaction: keep each one short. */
const BATCH = 256;

function batches(digests: string[]): string[][] {
  const out: string[][] = [];
  for (let start = 0; start < digests.length; start += BATCH) {
    out.push(digests.slice(start, start + BATCH));
  }

  return out;
}
