// The Docker token endpoint: checks Basic credentials (or none, for anonymous pulls of public
// projects), cuts the requested scopes down to what the subject may do, and signs a JWT.
// A scope the subject may not have is dropped, not refused, as the token specification asks.
// The OAuth2 form (POST, `grant_type=password` or `refresh_token`) issues the same tokens.
import { projectOf } from './names.js';
import type { TokenEndpoint, TokenForm, TokenResponse } from './policy.js';
import { issueRefreshToken, issueToken, TOKEN_LIFETIME_SECONDS, verifyRefreshToken,
  type TokenContext } from './jwt.js';
import { ANONYMOUS_SUBJECT, type PrincipalResolver, type Resolution } from './principal.js';
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

type Query = { service?: string; scope?: string | string[]; account?: string;
  offline_token?: string };

function failure(status: number, code: string, message: string,
  headers?: Record<string, string>): TokenResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers },
    body: { errors: [{ code, message }] } };
}

/** An OAuth2 error reply (RFC 6749 section 5.2). */
function oauthFailure(status: number, error: string, description: string,
  headers?: Record<string, string>): TokenResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store',
    ...headers }, body: { error, error_description: description } };
}

type ScopeRequest = { ok: true; scopes: Scope[] } | { ok: false; reason: string };

function requestedScopes(scope: string | string[] | undefined): ScopeRequest {
  const texts = splitScopeParams(scope);
  if (texts.length > MAX_SCOPES) {
    return { ok: false, reason: `at most ${MAX_SCOPES} scopes per request` };
  }

  const parsed = texts.map(parseScope);
  const bad = parsed.find((p) => !p.ok);
  if (bad !== undefined && !bad.ok) {
    return { ok: false, reason: bad.reason };
  }

  return { ok: true, scopes: parsed.flatMap((p) => p.ok ? [p.scope] : []) };
}

export class TokenService implements TokenEndpoint {
  constructor(private readonly context: TokenServiceContext) {}

  async handle(query: Query, authorization: string | undefined,
    remoteAddress?: string): Promise<TokenResponse> {
    if (query.service !== undefined && query.service !== this.context.service) {
      return failure(400, 'UNSUPPORTED', `this endpoint issues tokens for service `
        + `"${this.context.service}" only`);
    }

    const scopes = requestedScopes(query.scope);
    if (!scopes.ok) {
      return failure(400, 'UNSUPPORTED', scopes.reason);
    }

    const requested = scopes.scopes;
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

    const { principal } = resolution;
    const { token, issuedAt } = await this.issue(principal, requested, remoteAddress,
      'token issued');
    // `offline_token=true` (what `docker login` sends) asks for a refresh token for the form.
    const refresh = query.offline_token === 'true' && principal.subject !== undefined
      ? await issueRefreshToken(this.context.tokens, principal.subject) : undefined;
    return { status: 200, headers: { 'content-type': 'application/json',
      'cache-control': 'no-store' },
    body: { token, access_token: token, expires_in: TOKEN_LIFETIME_SECONDS,
      issued_at: issuedAt.toISOString(),
      ...(refresh === undefined ? {} : { refresh_token: refresh }) } };
  }

  /**
   * The OAuth2 form of the endpoint (distribution "oauth" token specification): a POSTed
   * form with `grant_type=password` (username, password) or `refresh_token`; `access_type=
   * offline` adds a refresh token. Failed passwords count towards the same lockout as Basic.
   */
  async handleForm(form: TokenForm, remoteAddress?: string): Promise<TokenResponse> {
    if (form.service !== undefined && form.service !== this.context.service) {
      return oauthFailure(400, 'invalid_request', 'this endpoint issues tokens for service '
        + `"${this.context.service}" only`);
    }

    if (form.client_id === undefined || form.client_id === '') {
      return oauthFailure(400, 'invalid_request', 'client_id is required: name the client, '
        + 'e.g. client_id=my-script');
    }

    const scopes = requestedScopes(form.scope);
    if (!scopes.ok) {
      return oauthFailure(400, 'invalid_scope', scopes.reason);
    }

    const resolution = await this.formResolution(form, remoteAddress);
    if ('error' in resolution) {
      return resolution.error;
    }

    if (!resolution.ok) {
      this.record(resolution.subject, remoteAddress, scopes.scopes, [], resolution.status,
        `${form.grant_type ?? ''} grant: ${resolution.reason}`);
      return resolution.status === 429
        ? oauthFailure(429, 'invalid_grant', resolution.reason,
          { 'retry-after': String(resolution.retryAfterSeconds) })
        : oauthFailure(400, 'invalid_grant', resolution.reason);
    }

    const { principal } = resolution;
    const { token, issuedAt, granted } = await this.issue(principal, scopes.scopes,
      remoteAddress, `token issued (${form.grant_type ?? ''} grant)`);
    const refresh = form.access_type === 'offline' && principal.subject !== undefined
      ? await issueRefreshToken(this.context.tokens, principal.subject) : undefined;
    return { status: 200, headers: { 'content-type': 'application/json',
      'cache-control': 'no-store' },
    body: { access_token: token, token_type: 'Bearer',
      scope: granted.map(formatScope).join(' '), expires_in: TOKEN_LIFETIME_SECONDS,
      issued_at: issuedAt.toISOString(), ...(refresh === undefined ? {}
        : { refresh_token: refresh }) } };
  }

  private async formResolution(form: TokenForm, remoteAddress?: string):
    Promise<Resolution | { error: TokenResponse }> {
    if (form.grant_type === 'password') {
      if (form.username === undefined || form.username === '' || form.password === undefined) {
        return { error: oauthFailure(400, 'invalid_request',
          'grant_type=password needs username and password') };
      }

      return this.context.resolver.password(form.username, form.password, remoteAddress);
    }

    if (form.grant_type === 'refresh_token') {
      if (form.refresh_token === undefined || form.refresh_token === '') {
        return { error: oauthFailure(400, 'invalid_request',
          'grant_type=refresh_token needs refresh_token') };
      }

      const check = await verifyRefreshToken(this.context.tokens, form.refresh_token);
      return check.ok ? this.context.resolver.current(check.subject)
        : { ok: false, status: 401, reason: check.reason };
    }

    return { error: oauthFailure(400, 'unsupported_grant_type', 'grant_type must be password '
      + 'or refresh_token') };
  }

  private async issue(principal: Principal, requested: Scope[], remoteAddress: string |
    undefined, reason: string): Promise<{ token: string; issuedAt: Date; granted: Scope[] }> {
    const granted = this.cutDown(principal, requested);
    const subject = principal.subject ?? ANONYMOUS_SUBJECT;
    const { token, issuedAt } = await issueToken(this.context.tokens, subject, granted);
    this.record(principal.subject, remoteAddress, requested, granted, 200, reason);
    return { token, issuedAt, granted };
  }

  /** Each requested scope reduced to the actions the principal holds; empty ones dropped. */
  private cutDown(principal: Principal, requested: Scope[]): Scope[] {
    const granted: Scope[] = [];
    for (const scope of requested) {
      const actions = scope.type === 'registry'
        ? this.registryActions(principal, scope)
        : this.repositoryActions(principal, scope);
      if (actions.length > 0) {
        granted.push({ ...scope, actions });
      }
    }

    return granted;
  }

  // Any signed-in subject may list the catalog and call the JSON API (`registry:api:*`); the
  // listing and each API operation are then decided per subject.
  private registryActions(principal: Principal, scope: Scope): string[] {
    const ok = (scope.name === 'catalog' || scope.name === 'api')
      && principal.kind !== 'anonymous';
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
