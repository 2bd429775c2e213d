import { describe, expect, it } from 'vitest';
import { advisoryDbPath, resolveCacheDir } from './cache-dir.js';

describe('resolveCacheDir', () => {
  it.each([
    ['the flag first', '/flag', { MOAT_CACHE_DIR: '/env', XDG_CACHE_HOME: '/xdg' }, '/flag'],
    ['then MOAT_CACHE_DIR', undefined, { MOAT_CACHE_DIR: '/env', XDG_CACHE_HOME: '/xdg' }, '/env'],
    ['then $XDG_CACHE_HOME/moat', undefined, { XDG_CACHE_HOME: '/xdg', HOME: '/home/a' },
      '/xdg/moat'],
    ['a relative XDG_CACHE_HOME is ignored (XDG spec)', undefined,
      { XDG_CACHE_HOME: 'rel', HOME: '/home/a' }, '/home/a/.cache/moat'],
    ['else ~/.cache/moat', undefined, { HOME: '/home/a' }, '/home/a/.cache/moat'],
  ])('takes %s', (_what, flag, env, expected) => {
    expect(resolveCacheDir(flag, env)).toBe(expected);
  });

  it('keeps the database in the cache dir', () => {
    expect(advisoryDbPath('/c')).toBe('/c/advisories.db');
  });
});
