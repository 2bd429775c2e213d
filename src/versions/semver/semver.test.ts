import { describe, expect, it } from 'vitest';
import { VersionError } from '../errors.js';
import { semverScheme } from './semver.js';

describe('semver ordering', () => {
  // Each row is strictly before the next (SemVer 2.0.0 §11's own example, plus more).
  const ascending = [
    '0.0.0-0',
    '0.0.0',
    '0.0.1',
    '0.1.0',
    '1.0.0-0',
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.2.0',
    '1.10.0',
    '2.0.0-0',
    '2.0.0',
    '10.0.0',
    '9007199254740991.0.0',
  ];
  const pairs = ascending.flatMap((a, i) => ascending.slice(i + 1).map((b) => [a, b] as const));

  it.each(pairs)('%s < %s', (a, b) => {
    expect(semverScheme.compare(a, b)).toBe(-1);
    expect(semverScheme.compare(b, a)).toBe(1);
  });

  it.each([
    ['1.0.0+build.1', '1.0.0+build.2'],
    ['1.0.0', '1.0.0+20130313144700'],
    ['1.0.0-rc.1+a', '1.0.0-rc.1+b'],
    ['v1.2.3', '1.2.3'],
    ['1.2.3', ' 1.2.3 '],
  ])('%s equals %s (build metadata and prefix ignored)', (a, b) => {
    expect(semverScheme.compare(a, b)).toBe(0);
  });
});

describe('semver validity', () => {
  it.each(['1.2', '1', '01.2.3', '1.02.3', '1.2.3-01', '1.2.3-', '1.2.3+', '1.2.3.4', 'a.b.c',
    '', '=1.2.3', '1.2.3-a..b', '~1.2.3', '1.2.3 - 2.0.0', '9007199254740992.0.0',
    'x'.repeat(300)])(
    'rejects %j',
    (version) => {
      expect(semverScheme.isValid(version)).toBe(false);
      expect(() => semverScheme.compare(version, '1.0.0')).toThrow(VersionError);
    },
  );

  it.each(['1.2.3', '1.2.3-0', '1.2.3-alpha-1.x', '1.2.3+build-5.007', '0.0.0'])(
    'accepts %j',
    (version) => {
      expect(semverScheme.isValid(version)).toBe(true);
    },
  );
});
