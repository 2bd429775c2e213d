// Writes a file so that readers see the old content or the new, never a part: a temp file in
// the same directory, fsync, then rename over the target.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `parts` to `file` atomically; a failure leaves any previous file untouched. */
export async function writeFileAtomically(file: string, parts: Buffer[]): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      for (const part of parts) {
        await handle.write(part);
      }

      await handle.sync();
    } finally {
      await handle.close();
    }

    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
