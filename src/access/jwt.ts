// Registry bearer tokens: short-lived EdDSA JWTs whose `access` claim lists what the holder
// may do (Docker token authentication specification), signed and checked with `jose`.
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Scope } from './scope.js';
import type { SigningKey } from './signing-key.js';

export const TOKEN_LIFETIME_SECONDS = 300;
/** Refresh tokens (OAuth2 form, `access_type=offline`) live a day. */
export const REFRESH_LIFETIME_SECONDS = 24 * 60 * 60;
// Refresh tokens carry this audience suffix, so one is never accepted as an access token and
// an access token is never accepted as a refresh token.
const REFRESH_AUDIENCE_SUFFIX = '#refresh';
const LEEWAY_SECONDS = 30;
const MAX_TOKEN_LENGTH = 16 * 1024;

export interface TokenContext {
  key: SigningKey;
  issuer: string;
  audience: string;
  now: () => Date;
}

export async function issueToken(context: TokenContext, subject: string,
  access: Scope[]): Promise<{ token: string; issuedAt: Date }> {
  const issuedAt = context.now();
  const seconds = Math.floor(issuedAt.getTime() / 1000);
  const token = await new SignJWT({ access })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setIssuer(context.issuer)
    .setAudience(context.audience)
    .setSubject(subject)
    .setIssuedAt(seconds)
    .setNotBefore(seconds)
    .setExpirationTime(seconds + TOKEN_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(context.key.privateKey);
  return { token, issuedAt };
}

// Limitation: a refresh token cannot be revoked on its own before it expires; removing the
// user or robot (or its grants) still takes effect at once, since every use re-reads them.
/** A refresh token for `subject`: no access claim, only good for the OAuth2 token endpoint. */
export async function issueRefreshToken(context: TokenContext, subject: string):
  Promise<string> {
  const seconds = Math.floor(context.now().getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setIssuer(context.issuer)
    .setAudience(`${context.audience}${REFRESH_AUDIENCE_SUFFIX}`)
    .setSubject(subject)
    .setIssuedAt(seconds)
    .setNotBefore(seconds)
    .setExpirationTime(seconds + REFRESH_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(context.key.privateKey);
}

/** The subject of a refresh token we signed; never throws. */
export async function verifyRefreshToken(context: TokenContext, token: string):
  Promise<{ ok: true; subject: string } | { ok: false; reason: string }> {
  if (token.length > MAX_TOKEN_LENGTH) {
    return { ok: false, reason: 'refresh token too long' };
  }

  try {
    const { payload } = await jwtVerify(token, context.key.publicKey, {
      algorithms: ['EdDSA'], issuer: context.issuer,
      audience: `${context.audience}${REFRESH_AUDIENCE_SUFFIX}`, clockTolerance: LEEWAY_SECONDS,
      currentDate: context.now(), requiredClaims: ['exp', 'sub'],
    });
    return payload.sub === undefined ? { ok: false, reason: 'refresh token has no subject' }
      : { ok: true, subject: payload.sub };
  } catch (err) {
    return { ok: false, reason: `refresh ${describeJoseError(err)}` };
  }
}

export type TokenCheck =
  | { ok: true; subject: string; access: Scope[] }
  | { ok: false; reason: string };

function readAccess(claim: unknown): Scope[] | undefined {
  if (!Array.isArray(claim)) {
    return undefined;
  }

  const valid = claim.every((entry: Partial<Scope>) => typeof entry?.name === 'string'
    && (entry.type === 'repository' || entry.type === 'registry')
    && Array.isArray(entry.actions) && entry.actions.every((a) => typeof a === 'string'));
  return valid ? claim as Scope[] : undefined;
}

/** Checks signature, algorithm, issuer, audience and times; never throws. */
export async function verifyToken(context: TokenContext, token: string): Promise<TokenCheck> {
  if (token.length > MAX_TOKEN_LENGTH) {
    return { ok: false, reason: 'token too long' };
  }

  try {
    const { payload } = await jwtVerify(token, context.key.publicKey, {
      algorithms: ['EdDSA'], issuer: context.issuer, audience: context.audience,
      clockTolerance: LEEWAY_SECONDS, currentDate: context.now(), requiredClaims: ['exp', 'sub'],
    });
    const access = readAccess(payload.access);
    if (access === undefined || payload.sub === undefined) {
      return { ok: false, reason: 'token has no valid access claim' };
    }

    return { ok: true, subject: payload.sub, access };
  } catch (err) {
    return { ok: false, reason: describeJoseError(err) };
  }
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim ${err.claim} invalid`;
  return 'token malformed';
}
