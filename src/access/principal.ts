// Turns an Authorization header into a principal: nobody, a password or robot-token login,
// or a bearer token we signed. Shared by the registry policy and the token endpoint.
import type { Authenticator, Authentication } from './authenticate.js';
import { parseAuthorization } from './credentials.js';
import { verifyToken, type TokenContext } from './jwt.js';
import { ANONYMOUS, type Principal } from './roles.js';
import type { Scope } from './scope.js';
import type { Directory } from './store/directory.js';

/** The JWT subject of anonymous tokens; `@` is not allowed in user names. */
export const ANONYMOUS_SUBJECT = '@anonymous';

export type Resolution =
  | { ok: true; principal: Principal; via: 'none' | 'basic' }
  | { ok: true; principal: Principal; via: 'bearer'; access: Scope[] }
  | Exclude<Authentication, { ok: true }>;

export class PrincipalResolver {
  constructor(private readonly directory: Directory,
    private readonly authenticator: Authenticator, private readonly tokens: TokenContext) {}

  async resolve(authorization: string | undefined, remoteAddress?: string): Promise<Resolution> {
    const credentials = parseAuthorization(authorization);
    switch (credentials.scheme) {
      case 'none':
        return { ok: true, principal: ANONYMOUS, via: 'none' };
      case 'invalid':
        return { ok: false, status: 401, reason: credentials.reason };
      case 'basic':
        return this.password(credentials.user, credentials.secret, remoteAddress);
      case 'bearer':
        return this.bearer(credentials.token);
    }
  }

  /** A user name and password (or robot token), with the same lockout as Basic. */
  async password(user: string, secret: string, remoteAddress?: string): Promise<Resolution> {
    const outcome = await this.authenticator.basic(user, secret, remoteAddress);
    return outcome.ok ? { ...outcome, via: 'basic' } : outcome;
  }

  /** The current permissions of a subject named in a token we signed. */
  current(subject: string): Resolution {
    const principal = this.directory.principal(subject, this.tokens.now());
    return principal === undefined
      ? { ok: false, status: 401, subject, reason: 'token subject no longer exists or has expired' }
      : { ok: true, principal, via: 'basic' };
  }

  private async bearer(token: string): Promise<Resolution> {
    const check = await verifyToken(this.tokens, token);
    if (!check.ok) {
      return { ok: false, status: 401, reason: check.reason };
    }

    if (check.subject === ANONYMOUS_SUBJECT) {
      return { ok: true, principal: ANONYMOUS, via: 'bearer', access: check.access };
    }

    // Permissions are read again, so a revoked grant or deleted account ends at once.
    const principal = this.directory.principal(check.subject, this.tokens.now());
    if (principal === undefined) {
      return { ok: false, status: 401, subject: check.subject,
        reason: 'token subject no longer exists or has expired' };
    }

    return { ok: true, principal, via: 'bearer', access: check.access };
  }
}

/** The repository actions a token's `access` claim gives for `repository`. */
export function tokenActions(access: Scope[], repository: string): string[] {
  return access.filter((s) => s.type === 'repository' && s.name === repository)
    .flatMap((s) => s.actions);
}
