import { describe, expect, it } from 'vitest';
import { VersionError } from '../errors.js';
import { goScheme, goVersionToSemver } from './go.js';

describe('go module ordering', () => {
  // Each row is strictly before the next.
  const ascending = [
    'v0.0.0-20170915032832-14c0d48ead0c',
    'v0.0.0-20191109021931-daa7c04131f5',
    'v0.1.0',
    'v1.0.0-alpha',
    'v1.0.0-rc.1',
    'v1.0.0',
    'v1.2.3',
    'v1.2.4-0.20191109021931-daa7c04131f5',
    'v1.2.4-pre',
    'v1.2.4-pre.0.20191109021931-daa7c04131f5',
    'v1.2.4',
    'v1.10.0',
    'v2.0.0+incompatible',
    'v2.0.1-0.20200101000000-abcdefabcdef+incompatible',
    'v2.0.1',
    'v17.0.0',
  ];
  const pairs = ascending.flatMap((a, i) => ascending.slice(i + 1).map((b) => [a, b] as const));

  it.each(pairs)('%s < %s', (a, b) => {
    expect(goScheme.compare(a, b)).toBe(-1);
    expect(goScheme.compare(b, a)).toBe(1);
  });

  it.each([
    ['v1.2.3', '1.2.3'],
    ['v2.0.0+incompatible', 'v2.0.0'],
    ['v1', 'v1.0.0'],
    ['v1.2', '1.2.0'],
    ['v1.0.0+meta', 'v1.0.0+other'],
  ])('%s equals %s', (a, b) => {
    expect(goScheme.compare(a, b)).toBe(0);
  });
});

describe('go toolchain versions', () => {
  it.each([
    ['go1', '1.0.0'],
    ['go1.21', '1.21.0'],
    ['go1.21.3', '1.21.3'],
    ['go1.22rc1', '1.22.0-rc.1'],
    ['go1.9beta2', '1.9.0-beta.2'],
    ['go1.21.0 X:boringcrypto', '1.21.0'],
    ['1.22rc2', '1.22.0-rc.2'],
    ['1.21', '1.21.0'],
  ])('%s orders as %s', (version, expected) => {
    expect(goVersionToSemver(version)).toBe(expected);
  });

  it.each([
    ['go1.9beta2', 'go1.9rc1'],
    ['go1.9rc1', 'go1.9'],
    ['go1.9rc2', 'go1.9rc10'],
    ['go1.21', 'go1.21.3'],
    ['go1.21.3', '1.21.4'],
    ['go1.22rc1', 'v1.22.0'],
    ['go1.9', 'go1.10'],
  ])('%s < %s', (a, b) => {
    expect(goScheme.compare(a, b)).toBe(-1);
  });
});

describe('go validity', () => {
  it.each(['', 'v', 'latest', 'v1.2.3.4', 'v01.2.3', 'v1.2.3-', 'v1-pre', 'v1.2-pre', 'go',
    'go1.0', 'goX', 'go1.21.3.4', 'master', 'vv1.0.0', 'v1.2.3-01', 'x'.repeat(300)])(
    'rejects %j',
    (version) => {
      expect(goScheme.isValid(version)).toBe(false);
      expect(() => goScheme.compare(version, 'v1.0.0')).toThrow(VersionError);
    },
  );
});
