// A cache of test fixtures (root filesystems, node_modules trees, images) shared by every
// test file of a run and kept between runs. vitest runs test files in parallel processes, so
// each entry is built under an exclusive lock file and appears only when complete: it is
// built into a temporary sibling directory and renamed into place.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file's place in `src/testing/` (or `dist/testing/`). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const POLL_MS = 200;

/** A test timeout for tests that may build a slow fixture (debootstrap, npm) on a busy machine. */
export const FIXTURE_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_WAIT_MS = 30 * 60_000;

/** `$MOAT_TEST_CACHE`, or `<repo>/.cache/test`. */
export function cacheRoot(): string {
  return process.env.MOAT_TEST_CACHE ?? join(repoRoot, '.cache', 'test');
}

/** A file-name-safe cache key: readable prefix plus a hash of the full description. */
export function cacheKey(kind: string, parts: readonly string[]): string {
  const hash = createHash('sha256').update(JSON.stringify([kind, ...parts])).digest('hex');
  return `${kind.replace(/[^a-z0-9.-]/gi, '_')}-${hash.slice(0, 16)}`;
}

/**
 * Returns the directory cached under `key`, calling `build(tmpDir)` to make it when absent.
 * Concurrent callers (in any process) wait for one build. A failed build leaves nothing.
 * Throws what `build` throws, or an Error when another builder holds the lock too long.
 */
export async function cachedDir(
  key: string,
  build: (tmpDir: string) => Promise<void>,
  options: { waitMs?: number } = {},
): Promise<string> {
  const root = cacheRoot();
  const final = join(root, key);
  if (existsSync(final)) {
    return final;
  }

  await mkdir(root, { recursive: true });
  const lock = join(root, `${key}.lock`);
  await acquireLock(lock, options.waitMs ?? DEFAULT_WAIT_MS);
  try {
    if (existsSync(final)) {
      return final;
    }

    const tmp = join(root, `${key}.tmp-${process.pid}-${Date.now()}`);
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
    try {
      await build(tmp);
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }

    return final;
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

/** Takes the lock file, or waits; a lock whose owner PID is gone is stale and removed. */
async function acquireLock(lock: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err;
      }
    }

    if (await isStale(lock)) {
      await unlink(lock).catch(() => undefined);
      continue;
    }

    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${lock}; remove it if no test run is building`);
    }

    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

async function isStale(lock: string): Promise<boolean> {
  const text = await readFile(lock, 'utf8').catch(() => undefined);
  if (text === undefined) {
    return false;
  }

  const pid = Number.parseInt(text, 10);
  if (!Number.isInteger(pid) || pid <= 0) {
    // An empty file is an owner that has not written its PID yet; anything else is garbage.
    return text.length > 0;
  }

  return !isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
