// Remembers recent successful password logins for a minute, so clients that send Basic
// credentials on every request (skopeo --dest-creds against a Basic-only setup, scripts) do
// not pay a deliberately slow scrypt per request. Entries are keyed by an HMAC under a
// per-process random key, so the cache never holds a password or a reusable hash of one.
import { createHmac, randomBytes } from 'node:crypto';

const TTL_MS = 60_000;
const MAX_ENTRIES = 1024;

export class LoginCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { subject: string; until: number }>();

  private id(user: string, secret: string): string {
    return createHmac('sha256', this.key).update(user).update('\0').update(secret)
      .digest('base64url');
  }

  /** The subject these credentials logged in as within the last minute, if any. */
  subject(user: string, secret: string, now: number): string | undefined {
    const id = this.id(user, secret);
    const entry = this.entries.get(id);
    if (entry === undefined || entry.until <= now) {
      this.entries.delete(id);
      return undefined;
    }

    return entry.subject;
  }

  remember(user: string, secret: string, subject: string, now: number): void {
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }

    this.entries.set(this.id(user, secret), { subject, until: now + TTL_MS });
  }
}
