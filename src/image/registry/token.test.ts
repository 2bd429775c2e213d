import { describe, expect, it } from 'vitest';
import { basicAuthorization, parseTokenReply } from './token.js';

const NOW = 1_000_000;

describe('parseTokenReply', () => {
  it.each([
    [{ token: 'abc' }, 'abc', NOW + 55_000],
    [{ access_token: 'xyz', expires_in: 300 }, 'xyz', NOW + 295_000],
    [{ token: 'abc', access_token: 'ignored', expires_in: -4 }, 'abc', NOW + 55_000],
    [{ token: 'abc', expires_in: 600, issued_at: '2001-01-01T00:00:00Z' }, 'abc', NOW + 595_000],
  ])('reads %j', (reply, token, expiresAtMs) => {
    const parsed = parseTokenReply(Buffer.from(JSON.stringify(reply)), NOW);

    expect(parsed).toEqual({ token, expiresAtMs });
  });

  it.each([
    ['not json', 'invalid JSON'],
    ['{}', 'without a usable token'],
    ['{"token": ""}', 'without a usable token'],
    ['{"token": 42}', 'without a usable token'],
    [JSON.stringify({ token: 'x'.repeat(70_000) }), 'without a usable token'],
  ])('refuses %j', (body, message) => {
    expect(() => parseTokenReply(Buffer.from(body), NOW)).toThrow(
      expect.objectContaining({
        code: 'PROTOCOL_ERROR',
        message: expect.stringContaining(message),
      }),
    );
  });
});

describe('basicAuthorization', () => {
  it('encodes user:password as UTF-8 base64', () => {
    expect(basicAuthorization('ünï', 'p:w')).toBe(
      `Basic ${Buffer.from('ünï:p:w').toString('base64')}`,
    );
  });
});
