import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelayMs,
} from './retry.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    [null, undefined],
  ])('reads %j as %j ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  it('honours Retry-After over backoff', () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 2500, () => 0.99)).toBe(2500);
  });

  it.each([
    [1, 1, 500],
    [2, 1, 1000],
    [3, 1, 2000],
    [10, 1, 10_000],
    [3, 0.5, 1000],
    [3, 0, 0],
  ])('after attempt %d with jitter %d waits %d ms', (attempt, random, expected) => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, attempt, undefined, () => random)).toBe(expected);
  });
});

describe('what is retried', () => {
  it.each([
    [429, true],
    [502, true],
    [503, true],
    [504, true],
    [500, false],
    [401, false],
    [403, false],
    [404, false],
  ])('status %d: %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });

  const withCode = (code: string) => Object.assign(new Error(code), { code });
  it.each([
    [new TypeError('fetch failed', { cause: withCode('ECONNRESET') }), true],
    [new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }), true],
    [new TypeError('fetch failed', { cause: withCode('CERT_HAS_EXPIRED') }), false],
    [new Error('plain'), false],
    ['not an error', false],
  ])('network error %#', (err, expected) => {
    expect(isRetryableNetworkError(err)).toBe(expected);
  });
});
