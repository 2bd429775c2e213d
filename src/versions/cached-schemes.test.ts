// Every registered scheme orders and validates the same with its parsed-version cache, with
// none, and with one so small it is emptied over and over; pep440 and go, whose comparison of
// parsed forms is Moat's own, also match the string comparisons they replaced.
import { compare as comparePep440Library } from '@renovatebot/pep440';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { conformanceDir, readComparisons } from './__tests__/conformance.js';
import { apkScheme } from './apk/compare.js';
import { dpkgScheme } from './dpkg/compare.js';
import { goScheme, goVersionToSemver } from './go/go.js';
import { mavenScheme } from './maven/maven.js';
import type { ParsedScheme } from './parsed-scheme.js';
import { pep440Scheme } from './pep440/pep440.js';
import { rpmScheme } from './rpm/evr.js';
import { semverScheme } from './semver/semver.js';

const POOL = 150;

/** Distinct versions of a conformance folder's cases.tsv, plus strings no scheme accepts. */
function pool(folder: string, extra: string[] = []): string[] {
  const cases = readComparisons(conformanceDir(folder), 'cases.tsv');
  const versions = new Set([...extra, '', ' ', 'not a version!', '1..2', '-1']);
  for (const { a, b } of cases) {
    if (versions.size >= POOL) {
      break;
    }

    versions.add(a).add(b);
  }

  return [...versions];
}

const npmVersions = ['0.0.0', '1.2.3', '1.2.3-alpha', '1.2.3-alpha.1', '1.2.3-alpha.beta',
  '1.2.3-1', '1.2.3-10', '1.2.3+build', '1.2.3-rc.1+build.5', 'v1.2.3', ' 1.2.3 ', '01.2.3',
  '1.2', '1.2.3.4', '10.0.0', '2.0.0-0', '9007199254740991.0.0', '9007199254740992.0.0'];
const goVersions = ['v1', 'v1.2', 'v1.2.3', '1.2.3', 'v2.0.0+incompatible', 'go1', 'go1.21',
  'go1.21.3', 'go1.22rc1', 'go1.22beta2', '1.22rc1', 'go1.0', 'v0.0.0-20210101000000-abcdef',
  'v1.2.3-pre.0.20200101000000-abcdefabcdef', 'go1.22.0 X:boringcrypto', 'vx'];

const schemes: [string, ParsedScheme<unknown>, string[]][] = [
  ['dpkg', dpkgScheme, pool('version-dpkg')],
  ['apk', apkScheme, pool('version-apk')],
  ['rpm', rpmScheme, pool('version-maven', ['1:2.0-1', '2.0~rc1', '2.0^post', '1.0-1.el9'])],
  // Maven orders nearly any string; it rejects only overlong ones and unparsable numbers.
  ['maven', mavenScheme, pool('version-maven', ['1.'.repeat(200)])],
  ['pep440', pep440Scheme, pool('version-pep440')],
  ['semver', semverScheme, npmVersions],
  ['go', goScheme, goVersions],
];

/** The scheme's answer for a pair: -1, 0, 1, or the error message it threw. */
function outcome(run: () => number | boolean): number | boolean | string {
  try {
    return run();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

describe.each(schemes)('the %s scheme', (_name, scheme, versions) => {
  it('gives the same answers with its cache, without one, and with a tiny one', () => {
    const uncached = scheme.withLimit(0);
    const tiny = scheme.withLimit(3);
    const differ: string[] = [];
    for (const a of versions) {
      const valid = outcome(() => uncached.isValid(a));
      if (outcome(() => scheme.isValid(a)) !== valid || outcome(() => tiny.isValid(a)) !== valid) {
        differ.push(`isValid(${JSON.stringify(a)})`);
      }

      for (const b of versions) {
        const expected = outcome(() => uncached.compare(a, b));
        if (outcome(() => scheme.compare(a, b)) !== expected
          || outcome(() => tiny.compare(a, b)) !== expected) {
          differ.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
        }
      }
    }

    expect(versions.length).toBeGreaterThan(15);
    expect(differ).toEqual([]);
    expect(tiny.cached).toBeLessThanOrEqual(3);
  });

  it('keeps rejecting what is not a version when asked again', () => {
    const invalid = versions.filter((v) => !scheme.withLimit(0).isValid(v));
    const valid = versions.find((v) => scheme.isValid(v)) ?? '';
    expect(invalid.length).toBeGreaterThan(0);
    for (let i = 0; i < 2; i += 1) {
      for (const version of invalid) {
        expect(scheme.isValid(version)).toBe(false);
        expect(() => scheme.compare(version, valid))
          .toThrow(expect.objectContaining({ code: 'INVALID_VERSION' }));
        expect(() => scheme.compare(valid, version))
          .toThrow(expect.objectContaining({ code: 'INVALID_VERSION' }));
      }
    }
  });
});

describe('orderings of parsed forms against the string comparisons they replaced', () => {
  const sign = (n: number): number => Math.sign(n);

  it('pep440 orders as @renovatebot/pep440 compare', () => {
    const versions = pool('version-pep440').filter((v) => pep440Scheme.isValid(v));
    const differ: string[] = [];
    for (const a of versions) {
      for (const b of versions) {
        if (pep440Scheme.compare(a, b) !== sign(comparePep440Library(a.trim(), b.trim()))) {
          differ.push(`${a} vs ${b}`);
        }
      }
    }

    expect(versions.length).toBeGreaterThan(80);
    expect(differ).toEqual([]);
  });

  it('go orders as semver.compare of the SemVer strings', () => {
    const versions = goVersions.filter((v) => goScheme.isValid(v));
    for (const a of versions) {
      for (const b of versions) {
        expect(goScheme.compare(a, b))
          .toBe(semver.compare(goVersionToSemver(a), goVersionToSemver(b)));
      }
    }

    expect(versions.length).toBeGreaterThan(10);
  });
});
