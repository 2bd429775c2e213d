// The Docker token endpoint: checks Basic credentials (or none, for anonymous pulls of public
// projects), cuts the requested scopes down to what the subject may do, and signs a JWT.
// A scope the subject may not have is dropped, not refused, as the token specification asks.
import { projectOf } from './names.js';
import type { TokenEndpoint, TokenResponse } from './policy.js';
import { issueToken, TOKEN_LIFETIME_SECONDS, type TokenContext } from './jwt.js';
import { ANONYMOUS_SUBJECT, type PrincipalResolver } from './principal.js';
import { permittedActions, type Principal } from './roles.js';
import { formatScope, MAX_SCOPES, parseScope, splitScopeParams, type Scope } from './scope.js';
import type { AuditStore } from './store/audit-store.js';
import type { Directory } from './store/directory.js';

export interface TokenServiceContext {
  directory: Directory;
  audit: AuditStore;
  resolver: PrincipalResolver;
  tokens: TokenContext;
  service: string;
}

type Query = { service?: string; scope?: string | string[]; account?: string };

function failure(status: number, code: string, message: string,
  headers?: Record<string, string>): TokenResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers },
    body: { errors: [{ code, message }] } };
}

// Limitation: only the GET form of the token protocol is served; clients that use the OAuth2
// POST form (refresh tokens, `grant_type=password`) fall back to GET only when the server
// answers that POST with 404 or 405, as containerd does.
export class TokenService implements TokenEndpoint {
  constructor(private readonly context: TokenServiceContext) {}

  async handle(query: Query, authorization: string | undefined,
    remoteAddress?: string): Promise<TokenResponse> {
    if (query.service !== undefined && query.service !== this.context.service) {
      return failure(400, 'UNSUPPORTED', `this endpoint issues tokens for service `
        + `"${this.context.service}" only`);
    }

    const texts = splitScopeParams(query.scope);
    if (texts.length > MAX_SCOPES) {
      return failure(400, 'UNSUPPORTED', `at most ${MAX_SCOPES} scopes per request`);
    }

    const parsed = texts.map(parseScope);
    const bad = parsed.find((p) => !p.ok);
    if (bad !== undefined && !bad.ok) {
      return failure(400, 'UNSUPPORTED', bad.reason);
    }

    const requested = parsed.flatMap((p) => p.ok ? [p.scope] : []);
    const resolution = await this.context.resolver.resolve(authorization, remoteAddress);
    if (!resolution.ok || resolution.via === 'bearer') {
      const status = resolution.ok ? 401 : resolution.status;
      const reason = resolution.ok ? 'the token endpoint takes Basic credentials'
        : resolution.reason;
      this.record(resolution.ok ? undefined : resolution.subject, remoteAddress, requested, [],
        status, reason);
      return status === 429 && !resolution.ok && resolution.status === 429
        ? failure(429, 'TOOMANYREQUESTS', reason,
          { 'retry-after': String(resolution.retryAfterSeconds) })
        : failure(401, 'UNAUTHORIZED', reason, { 'www-authenticate': 'Basic realm="moat"' });
    }

    const granted = this.cutDown(resolution.principal, requested);
    const subject = resolution.principal.subject ?? ANONYMOUS_SUBJECT;
    const { token, issuedAt } = await issueToken(this.context.tokens, subject, granted);
    this.record(resolution.principal.subject, remoteAddress, requested, granted, 200,
      'token issued');
    return { status: 200, headers: { 'content-type': 'application/json',
      'cache-control': 'no-store' },
    body: { token, access_token: token, expires_in: TOKEN_LIFETIME_SECONDS,
      issued_at: issuedAt.toISOString() } };
  }

  /** Each requested scope reduced to the actions the principal holds; empty ones dropped. */
  private cutDown(principal: Principal, requested: Scope[]): Scope[] {
    const granted: Scope[] = [];
    for (const scope of requested) {
      const actions = scope.type === 'registry'
        ? this.catalogActions(principal, scope)
        : this.repositoryActions(principal, scope);
      if (actions.length > 0) {
        granted.push({ ...scope, actions });
      }
    }

    return granted;
  }

  // Any signed-in subject may list the catalog; the listing itself is filtered per subject.
  private catalogActions(principal: Principal, scope: Scope): string[] {
    const ok = scope.name === 'catalog' && principal.kind !== 'anonymous';
    return ok ? scope.actions.filter((a) => a === '*') : [];
  }

  private repositoryActions(principal: Principal, scope: Scope): string[] {
    const permitted: string[] = permittedActions(principal,
      this.context.directory.project(projectOf(scope.name)));
    return scope.actions.includes('*') ? permitted
      : scope.actions.filter((a) => permitted.includes(a));
  }

  private record(subject: string | undefined, remoteAddress: string | undefined,
    requested: Scope[], granted: Scope[], status: number, reason: string): void {
    this.context.audit.append({
      at: this.context.tokens.now().toISOString(), event: 'token', subject, remoteAddress,
      actions: granted.map(formatScope).join(' '), decision: status === 200 ? 'allow' : 'deny',
      status, reason: `${reason}; requested: ${requested.map(formatScope).join(' ') || 'none'}`,
    });
  }
}
