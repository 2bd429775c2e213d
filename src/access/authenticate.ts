// Checks a user's password or a robot's token, with per-user and per-address lockout after
// repeated failures. The clock is injected so lockouts can be tested without sleeping.
import { LoginCache } from './login-cache.js';
import { robotSubject } from './names.js';
import { MAX_PASSWORD, verifyPassword } from './password.js';
import type { Principal } from './roles.js';
import { hashToken, isRobotToken } from './secret-token.js';
import type { Directory } from './store/directory.js';
import type { FailureStore } from './store/audit-store.js';
import { lockedUntil, WINDOW_MS } from './throttle.js';

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401; reason: string; subject?: string }
  | { ok: false; status: 429; reason: string; subject?: string; retryAfterSeconds: number };

// Compared against when the user does not exist, so timing does not reveal which names do.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$'
  + 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export class Authenticator {
  private readonly recent = new LoginCache();

  constructor(private readonly directory: Directory, private readonly failures: FailureStore,
    private readonly now: () => Date) {}

  async basic(user: string, secret: string, remoteAddress?: string): Promise<Authentication> {
    const now = this.now().getTime();
    const keys = [`user:${user.slice(0, 128)}`,
      ...(remoteAddress === undefined ? [] : [`addr:${remoteAddress}`])];
    const until = Math.max(0, ...keys.map((k) => lockedUntil(this.failures.since(k,
      now - WINDOW_MS), now) ?? 0));
    if (until > now) {
      return { ok: false, status: 429, subject: user, retryAfterSeconds: Math.ceil((until - now)
        / 1000), reason: 'too many failed logins: locked out' };
    }

    // Limitation: a cached login outlives a password change made by another process by up to
    // a minute; grants and account removal still apply at once (principal() reads them).
    const cached = this.recent.subject(user, secret, now);
    const fromCache = cached === undefined ? undefined : this.directory.principal(cached,
      this.now());
    const principal = fromCache ?? await this.check(user, secret);
    if (principal === undefined || typeof principal === 'string') {
      this.failures.record(keys, now);
      this.failures.prune(now - WINDOW_MS);
      return { ok: false, status: 401, subject: user,
        reason: principal ?? 'wrong user name or password' };
    }

    if (fromCache === undefined && principal.kind === 'user' && principal.subject !== undefined) {
      this.failures.clear(keys[0] ?? '');
      this.recent.remember(user, secret, principal.subject, now);
    }

    return { ok: true, principal };
  }

  /** The principal, a reason string for a known-but-refused account, or undefined. */
  private async check(user: string, secret: string): Promise<Principal | string | undefined> {
    if (secret.length > MAX_PASSWORD) {
      return undefined;
    }

    // A password that merely looks like a robot token is still tried as a password below.
    const robot = isRobotToken(secret)
      ? this.directory.robotByTokenHash(hashToken(secret)) : undefined;
    if (robot !== undefined) {
      if (robot.name !== user && robotSubject(robot.name) !== user) {
        return undefined;
      }

      if (Date.parse(robot.expiresAt) <= this.now().getTime()) {
        return `robot ${robot.name} expired at ${robot.expiresAt}`;
      }

      return this.directory.principal(robotSubject(robot.name), this.now());
    }

    const record = this.directory.user(user);
    const matches = await verifyPassword(secret, record?.passwordHash ?? DUMMY_HASH);
    if (record === undefined || !matches) {
      return undefined;
    }

    return { kind: 'user', subject: record.name, admin: record.admin, grants: record.grants };
  }
}
