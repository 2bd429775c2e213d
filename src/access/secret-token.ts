// Robot tokens: 32 random bytes behind a recognisable prefix (so secret scanners can find
// leaked ones). Stored as SHA-256: with 256 bits of entropy no one can brute-force the hash,
// so a slow password hash would only cost time on every request.
import { createHash, randomBytes } from 'node:crypto';

export const ROBOT_TOKEN_PREFIX = 'moat_rbt_';

export function generateRobotToken(): string {
  return `${ROBOT_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function isRobotToken(secret: string): boolean {
  return secret.startsWith(ROBOT_TOKEN_PREFIX);
}
