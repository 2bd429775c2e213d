import { describe, expect, it } from 'vitest';
import { semverScheme } from '../versions/semver/semver.js';
import type { VersionScheme } from '../versions/scheme.js';
import { lenientSemver } from './range.js';

// The lenient scheme as it was before it kept parsed forms: strip, then ask SemVer.
const strip = (v: string): string => v.replace(/^(\d+)\.(\d+)\.(\d+)/,
  (_m, a: string, b: string, c: string) => [a, b, c].map((n) => String(Number(n))).join('.'));
const plain: VersionScheme = {
  name: 'semver',
  isValid: (v) => semverScheme.isValid(v) || semverScheme.isValid(strip(v)),
  compare: (a, b) => semverScheme.compare(strip(a), strip(b)),
};

const versions = ['19.03.1', '19.3.1', '19.3.0', '17.06.0-ce', '17.6.0', '1.2.3', 'v01.2.3',
  '01.02.03-rc.1', '1.2.3+build', '1.2', '1.2.3.4', 'abc', '', '9007199254740991.0.0',
  '99999999999999999999.0.0', ' 1.2.3', '0.0.0-0'];

function outcome(run: () => number | boolean): number | boolean | string {
  try {
    return run();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

describe('lenientSemver', () => {
  it('is made once per base scheme', () => {
    expect(lenientSemver(semverScheme)).toBe(lenientSemver(semverScheme));
  });

  it('reads leading zeros numerically: 19.03.1 is 19.3.1', () => {
    const scheme = lenientSemver(semverScheme);
    expect(scheme.compare('19.03.1', '19.3.1')).toBe(0);
    expect(scheme.compare('17.06.0-ce', '17.6.0')).toBe(-1);
    expect(scheme.isValid('19.03.1')).toBe(true);
    expect(semverScheme.isValid('19.03.1')).toBe(false);
  });

  it.each(versions)('validates and orders %j as stripping then comparing does', (a) => {
    const scheme = lenientSemver(semverScheme);
    for (let round = 0; round < 2; round += 1) {
      expect(scheme.isValid(a)).toBe(plain.isValid(a));
      for (const b of versions) {
        expect(outcome(() => scheme.compare(a, b))).toEqual(outcome(() => plain.compare(a, b)));
      }
    }
  });
});
