// Fetches a bearer token from a challenge's realm (Docker token authentication spec:
// `GET realm?service=…&scope=…`, with OAuth2 `refresh_token` POST for identity tokens).
import type { Challenge } from './challenge.js';
import { readLimited } from './body.js';
import type { Credential } from './credentials.js';
import { RegistryError, redactUrl } from './errors.js';
import { errorForReply } from './response-errors.js';
import type { Transport } from './transport.js';

export interface BearerToken {
  token: string;
  /** Clock time (ms) after which the token must not be used. */
  expiresAtMs: number;
}

const MAX_TOKEN_REPLY_BYTES = 1024 * 1024;
const MAX_TOKEN_LENGTH = 64 * 1024;
// The spec's default lifetime when the server names none.
const DEFAULT_EXPIRES_IN_S = 60;
// Renew a little early so a token does not expire between check and use.
const EXPIRY_MARGIN_MS = 5_000;
const CLIENT_ID = 'moat';

/**
 * Asks the realm for a token covering `scope`.
 * @throws RegistryError `UNAUTHORIZED` when the token server refuses, `PROTOCOL_ERROR` for a
 *   bad realm or reply, and transport errors.
 */
export async function fetchBearerToken(
  transport: Transport,
  challenge: Challenge,
  scope: string | undefined,
  credential: Credential | undefined,
  credentialsHint: string,
): Promise<BearerToken> {
  const realm = parseRealm(challenge);
  const service = challenge.params.service;
  const request =
    credential?.kind === 'identity'
      ? refreshRequest(realm, service, scope, credential.identityToken)
      : getRequest(realm, service, scope, credential);

  const reply = await transport.send(request);
  if (!reply.response.ok) {
    throw await errorForReply(reply, {
      what: `token request to ${redactUrl(realm)}`,
      reference: scope ?? '',
      credentialsHint,
    });
  }

  const body = await readLimited(reply, MAX_TOKEN_REPLY_BYTES, 'token reply');
  return parseTokenReply(body, transport.now());
}

/** Reads `{token | access_token, expires_in?}`; pure, for tests. */
export function parseTokenReply(body: Buffer, nowMs: number): BearerToken {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new RegistryError('PROTOCOL_ERROR', 'the token server replied with invalid JSON');
  }

  const token = parsed.token ?? parsed.access_token;
  if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH) {
    throw new RegistryError('PROTOCOL_ERROR', 'the token server replied without a usable token');
  }

  const expiresIn =
    typeof parsed.expires_in === 'number' && parsed.expires_in > 0
      ? parsed.expires_in
      : DEFAULT_EXPIRES_IN_S;
  // The lifetime counts from receipt on our clock: `issued_at` is the server's clock, and
  // skew between the two would make a fresh token look expired (or live too long).
  return { token, expiresAtMs: nowMs + expiresIn * 1000 - EXPIRY_MARGIN_MS };
}

function parseRealm(challenge: Challenge): URL {
  const realm = challenge.params.realm;
  try {
    return new URL(realm ?? '');
  } catch {
    throw new RegistryError(
      'PROTOCOL_ERROR',
      'the registry asked for a bearer token without a valid realm URL',
    );
  }
}

function getRequest(
  realm: URL,
  service: string | undefined,
  scope: string | undefined,
  credential: Credential | undefined,
): Parameters<Transport['send']>[0] {
  const url = new URL(realm);
  if (service !== undefined) {
    url.searchParams.set('service', service);
  }

  if (scope !== undefined) {
    url.searchParams.set('scope', scope);
  }

  const headers: Record<string, string> = { accept: 'application/json' };
  if (credential?.kind === 'basic') {
    headers.authorization = basicAuthorization(credential.username, credential.password);
  }

  return { url, headers };
}

function refreshRequest(
  realm: URL,
  service: string | undefined,
  scope: string | undefined,
  refreshToken: string,
): Parameters<Transport['send']>[0] {
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID });
  form.set('refresh_token', refreshToken);
  if (service !== undefined) {
    form.set('service', service);
  }

  if (scope !== undefined) {
    form.set('scope', scope);
  }

  return {
    url: realm,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
  };
}

/** `Basic base64(user:password)` (RFC 7617). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
