import { describe, expect, it } from 'vitest';
import { LoginCache } from './login-cache.js';

describe('LoginCache', () => {
  it('remembers a login for a minute, for exactly those credentials', () => {
    const cache = new LoginCache();
    cache.remember('alice', 'pw-1', 'alice', 0);
    expect(cache.subject('alice', 'pw-1', 59_999)).toBe('alice');
    expect(cache.subject('alice', 'pw-2', 1)).toBeUndefined();
    expect(cache.subject('alice\0pw', '-1', 1)).toBeUndefined();
    expect(cache.subject('alice', 'pw-1', 60_000)).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const cache = new LoginCache();
    for (let i = 0; i <= 1024; i += 1) {
      cache.remember(`user${i}`, 'pw', `user${i}`, 0);
    }

    expect(cache.subject('user0', 'pw', 1)).toBeUndefined();
    expect(cache.subject('user1024', 'pw', 1)).toBe('user1024');
  });
});
