// The floor any image scanner has: unpacking the same layer blobs with `tar -xzf` into tmpfs,
// each layer in order onto one directory, timed from outside like Moat itself.
import { mkdir, rm } from 'node:fs/promises';
import { measure, type Measurement } from './measure.js';

// The blobs are arguments of the script, never interpolated into it.
const EXTRACT = 'dir=$1; shift; for blob; do tar -xzf "$blob" -C "$dir" || exit 1; done';

/**
 * Extracts `blobs` into a fresh directory under /dev/shm once, removing it afterwards.
 * Throws when tar fails or the directory cannot be made.
 */
export async function measureTarBaseline(blobs: readonly string[]): Promise<Measurement> {
  const target = `/dev/shm/moat-vuln-bench-${process.pid}`;
  await rm(target, { recursive: true, force: true });
  await mkdir(target);
  try {
    return await measure('sh', ['-c', EXTRACT, 'sh', target, ...blobs]);
  } finally {
    await rm(target, { recursive: true, force: true });
  }
}
