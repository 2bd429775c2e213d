import { describe, expect, it } from 'vitest';
import { getScheme } from '../versions/registry.js';
import type { VersionScheme } from '../versions/scheme.js';
import { callSchemes, rememberInvalid } from './call-schemes.js';

const dpkg = getScheme('dpkg') as VersionScheme;

describe('rememberInvalid', () => {
  it.each([
    ['1.2-1', '1.10-1'],
    ['2:1.0', '1:9.9'],
    ['1.0~rc1', '1.0'],
    ['1.0', '1.0'],
  ])('orders %s and %s as the scheme does', (a, b) => {
    const scheme = rememberInvalid(dpkg);
    expect(scheme.compare(a, b)).toBe(dpkg.compare(a, b));
    expect(scheme.compare(b, a)).toBe(dpkg.compare(b, a));
  });

  it('keeps throwing for an unreadable version, on either side, and says it is invalid', () => {
    const scheme = rememberInvalid(dpkg);
    expect(() => dpkg.compare('not a version!', '1.0')).toThrow();
    expect(() => scheme.compare('not a version!', '1.0')).toThrow();
    expect(() => scheme.compare('1.0', 'not a version!')).toThrow();
    expect(() => scheme.compare('not a version!', '2.0')).toThrow();
    expect(scheme.isValid('not a version!')).toBe(false);
    expect(scheme.compare('1.0', '2.0')).toBe(-1);
  });
});

describe('callSchemes', () => {
  it('makes one set of schemes per ecosystem and none for an unknown ecosystem', () => {
    const schemesOf = callSchemes(getScheme);
    expect(schemesOf('Debian:12')).toBe(schemesOf('Debian:12'));
    expect(schemesOf('Debian:12')?.ecosystem.name).toBe('dpkg');
    expect(schemesOf('Debian:12')?.semver?.compare('19.03.1', '19.3.0')).toBe(1);
    expect(schemesOf('NoSuchEcosystem')).toBeUndefined();
  });

  it('uses a parsed scheme as it is and remembers unreadable versions for any other', () => {
    expect(callSchemes(getScheme)('Debian:12')?.ecosystem).toBe(dpkg);
    let compared = 0;
    const plain: VersionScheme = { name: 'plain', isValid: (v) => dpkg.isValid(v),
      compare: (a, b) => {
        compared += 1;
        return dpkg.compare(a, b);
      } };
    const scheme = callSchemes((name) => (name === 'semver' ? undefined : plain))('Plain');
    expect(scheme?.ecosystem).not.toBe(plain);
    for (let i = 0; i < 3; i += 1) {
      expect(() => scheme?.ecosystem.compare('not a version!', '1.0')).toThrow();
    }

    expect(compared).toBe(1);
    expect(scheme?.ecosystem.compare('1.0', '2.0')).toBe(-1);
  });
});
