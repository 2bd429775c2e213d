// Reads an Authorization header without ever keeping its secret beyond this call.
export type Credentials =
  | { scheme: 'none' }
  | { scheme: 'basic'; user: string; secret: string }
  | { scheme: 'bearer'; token: string }
  | { scheme: 'invalid'; reason: string };

const MAX_HEADER = 16 * 1024;

/** Parses `Basic base64(user:secret)` (RFC 7617) or `Bearer token` (RFC 6750). */
export function parseAuthorization(header: string | undefined): Credentials {
  if (header === undefined || header.trim() === '') {
    return { scheme: 'none' };
  }

  if (header.length > MAX_HEADER) {
    return { scheme: 'invalid', reason: 'authorization header too long' };
  }

  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer' && value !== '') {
    return { scheme: 'bearer', token: value };
  }

  if (scheme.toLowerCase() !== 'basic' || !/^[A-Za-z0-9+/]+=*$/.test(value)) {
    return { scheme: 'invalid', reason: 'authorization is neither Basic nor Bearer' };
  }

  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    return { scheme: 'invalid', reason: 'basic credentials without user:password' };
  }

  return { scheme: 'basic', user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
