// Decides the Authorization header for each registry request: anonymous until the registry
// challenges, then Basic or a bearer token per scope, cached until it expires.
import { findChallenge, parseChallenges, type Challenge } from './challenge.js';
import { describeCredential } from './credentials.js';
import type { FoundCredential } from './credential-files.js';
import { RegistryError } from './errors.js';
import { basicAuthorization, fetchBearerToken, type BearerToken } from './token.js';
import type { Transport } from './transport.js';

export interface AuthorizerOptions {
  registry: string;
  transport: Transport;
  /** Looks credentials up once, on the first challenge. */
  findCredential: () => Promise<FoundCredential | undefined>;
  /** The auth files searched, for "none found in …" messages. */
  searchedFiles: string[];
}

const MAX_CACHED_TOKENS = 64;

export class Authorizer {
  private challenge: Challenge | undefined;
  private credential: Promise<FoundCredential | undefined> | undefined;
  private readonly tokens = new Map<string, BearerToken>();
  /** Token requests in flight, so parallel blob downloads share one. */
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly options: AuthorizerOptions) {}

  /** The header for a request needing `scope`, or undefined before any challenge. */
  async authorization(scope: string): Promise<string | undefined> {
    if (this.challenge === undefined) {
      return undefined;
    }

    if (this.challenge.scheme === 'basic') {
      return this.basicHeader();
    }

    const cached = this.tokens.get(scope);
    if (cached !== undefined && cached.expiresAtMs > this.options.transport.now()) {
      return `Bearer ${cached.token}`;
    }

    return this.refreshToken(scope);
  }

  /**
   * Learns from a 401's `WWW-Authenticate` how to authenticate, and gets a fresh token.
   * @throws RegistryError `UNAUTHORIZED` when the challenge cannot be met.
   */
  async answerChallenge(header: string | null, scope: string): Promise<void> {
    const challenges = parseChallenges(header ?? '');
    const chosen = findChallenge(challenges, 'bearer') ?? findChallenge(challenges, 'basic');
    if (chosen === undefined) {
      const offered = challenges.map((c) => c.scheme).join(', ') || 'none';
      throw new RegistryError(
        'UNAUTHORIZED',
        `${this.options.registry} asked for authentication Moat cannot do (schemes: ` +
          `${offered}); use a registry that supports Bearer or Basic authentication`,
        { status: 401 },
      );
    }

    this.challenge = chosen;
    this.tokens.delete(scope);
    if (chosen.scheme === 'bearer') {
      await this.refreshToken(scope);
    } else {
      await this.basicHeader();
    }
  }

  /** Says where the credentials came from or were looked for, for error messages. */
  async credentialsHint(): Promise<string> {
    const found = await this.lookup();
    if (found === undefined) {
      return (
        `no credentials for ${this.options.registry} were found in ` +
        `${this.options.searchedFiles.join(', ')}; log in (\`podman login ` +
        `${this.options.registry}\`) or pass an auth file`
      );
    }

    return `check the credentials for ${this.options.registry} (${describeCredential(
      found.credential,
    )}) in ${found.origin}, and that they may pull this repository`;
  }

  private refreshToken(scope: string): Promise<string> {
    let request = this.pending.get(scope);
    if (request === undefined) {
      request = this.requestToken(scope).finally(() => this.pending.delete(scope));
      this.pending.set(scope, request);
    }

    return request;
  }

  private async requestToken(scope: string): Promise<string> {
    const challenge = this.challenge as Challenge;
    const found = await this.lookup();
    const token = await fetchBearerToken(
      this.options.transport,
      challenge,
      scope,
      found?.credential,
      await this.credentialsHint(),
    );
    if (this.tokens.size >= MAX_CACHED_TOKENS) {
      this.tokens.clear();
    }

    this.tokens.set(scope, token);
    return `Bearer ${token.token}`;
  }

  private async basicHeader(): Promise<string> {
    const found = await this.lookup();
    if (found === undefined || found.credential.kind !== 'basic') {
      throw new RegistryError(
        'UNAUTHORIZED',
        `${this.options.registry} requires a user name and password: ` +
          `${await this.credentialsHint()}`,
        { status: 401 },
      );
    }

    return basicAuthorization(found.credential.username, found.credential.password);
  }

  private lookup(): Promise<FoundCredential | undefined> {
    this.credential ??= this.options.findCredential();
    return this.credential;
  }
}
