// The access contract the registry server codes to: who may pull, push or delete which
// repository, the Docker token endpoint, and the audit record of every decision.
import type { ApiAccess } from './api-access.js';

export type RegistryAction = 'pull' | 'push' | 'delete';

export interface AccessRequest {
  /** The raw Authorization header; never logged or stored. */
  authorization?: string;
  remoteAddress?: string;
  /** Undefined for `/v2/` and `_catalog`. */
  repository?: string;
  actions: RegistryAction[];
  /** For the audit record only. */
  digest?: string;
}

export interface AccessDecision {
  allowed: boolean;
  /**
   * 401 = unauthenticated or bad token, 403 = authenticated but not allowed,
   * 429 = too many failed password attempts (see `retryAfterSeconds`).
   */
  status: 200 | 401 | 403 | 429;
  /** User name, or `robot/NAME` for a robot; undefined when anonymous. */
  subject?: string;
  granted: RegistryAction[];
  /**
   * When allowed: every action the caller may take on the repository (within its token's
   * scope), beyond those asked for. Project policies exempt those who may push from the
   * signature requirement, so that push → sign works.
   */
  permitted?: RegistryAction[];
  reason: string;
  /** WWW-Authenticate value to send with 401 (and with 403 insufficient_scope). */
  challenge?: string;
  /** OCI error code. */
  errorCode?: 'UNAUTHORIZED' | 'DENIED' | 'INSUFFICIENT_SCOPE' | 'TOOMANYREQUESTS';
  /** With 429: when the caller may try again (send as `Retry-After`). */
  retryAfterSeconds?: number;
}

export interface AccessPolicy {
  /** Decides one request and records the decision in the audit log. */
  authorize(request: AccessRequest): Promise<AccessDecision>;
  /** The subset of `all` the caller may pull, for `_catalog`. */
  visibleRepositories(authorization: string | undefined, all: string[]): Promise<string[]>;
}

export interface TokenResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** The fields of an OAuth2 token request form (each the first value given). */
export interface TokenForm {
  grant_type?: string;
  service?: string;
  client_id?: string;
  access_type?: string;
  /** Space-separated scopes. */
  scope?: string;
  username?: string;
  password?: string;
  refresh_token?: string;
}

export interface TokenEndpoint {
  handle(query: { service?: string; scope?: string | string[]; account?: string;
    offline_token?: string }, authorization: string | undefined, remoteAddress?: string): Promise<TokenResponse>;
  /** The OAuth2 form (POST): `grant_type=password` or `refresh_token`. */
  handleForm(form: TokenForm, remoteAddress?: string): Promise<TokenResponse>;
}

export interface AccessOptions {
  /** The token endpoint URL announced in challenges, e.g. `https://moat.bank/token`. */
  realm: string;
  /** The registry's name, used as the JWT audience. */
  service: string;
  now?: () => Date;
  /** The first admin's password; defaults to MOAT_ADMIN_PASSWORD, else one is generated. */
  adminPassword?: string;
}

export interface OpenedAccess {
  policy: AccessPolicy;
  tokens: TokenEndpoint;
  /** The access side of the JSON API under /api/v1/. */
  api: ApiAccess;
  /** Set only on the first start when the admin password was generated: print it once. */
  initialAdminPassword?: string;
  close(): Promise<void>;
}

export { openAccess } from './open.js';
