// Brute-force protection: after FREE_FAILURES failed passwords within the window, the user or
// address is locked out for a time that doubles with every further failure. Pure: failure
// times in, lockout end out.
export const WINDOW_MS = 15 * 60_000;
export const FREE_FAILURES = 5;
const BASE_LOCK_MS = 60_000;
const MAX_LOCK_MS = WINDOW_MS;

/** When the lockout ends (ms since epoch), or undefined when attempts are allowed now. */
export function lockedUntil(failures: readonly number[], now: number): number | undefined {
  const recent = failures.filter((t) => t > now - WINDOW_MS && t <= now);
  if (recent.length < FREE_FAILURES) {
    return undefined;
  }

  const extra = recent.length - FREE_FAILURES;
  const lock = Math.min(BASE_LOCK_MS * 2 ** Math.min(extra, 20), MAX_LOCK_MS);
  const until = Math.max(...recent) + lock;
  return until > now ? until : undefined;
}
