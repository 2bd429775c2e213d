import { describe, expect, it } from 'vitest';
import { conformanceDir, readComparisons } from '../__tests__/conformance.js';
import { VersionError } from '../errors.js';
import { mavenScheme } from './maven.js';

const dir = conformanceDir('version-maven');

describe.skipIf(dir === undefined)('maven ComparableVersion conformance', () => {
  it.each(readComparisons(dir, 'cases.tsv'))('cases.tsv line $line: $a vs $b', (c) => {
    expect(mavenScheme.compare(c.a, c.b)).toBe(c.expected);
  });

  // generic_scheme_cases.tsv is Maven 4's resolver GenericVersionScheme, a different
  // algorithm (e.g. 1.0 == 1_0) from the ComparableVersion that Maven 3 builds, OSV and other
  // scanners use. Moat implements ComparableVersion only; the file is out of scope and is
  // checked here only to prove the two schemes really differ.
  it('differs from the Maven 4 generic scheme data on some rows', () => {
    const rows = readComparisons(dir, 'generic_scheme_cases.tsv');
    const differing = rows.filter((c) => {
      try {
        return mavenScheme.compare(c.a, c.b) !== c.expected;
      } catch {
        return true;
      }
    });
    expect(rows.length).toBeGreaterThan(0);
    expect(differing.length).toBeGreaterThan(0);
  });
});

describe('maven ordering', () => {
  it.each([
    ['1-alpha1', '1-a1', 0],
    ['1-alpha', '1-a1', -1],
    ['1-cr1', '1-rc1', 0],
    ['1.0', '1', 0],
    ['1-ga', '1', 0],
    ['1-final', '1.0.0', 0],
    ['1-snapshot', '1', -1],
    ['1', '1-sp', -1],
    ['1-sp', '1-foo', -1],
    ['1-foo', '1-zoo', -1],
    ['1.0.RC2', '1.0-RC3', -1],
    ['1.0-RC3', '1.0.1', -1],
    ['1-1', '1.1', -1],
    ['2147483647', '2147483648', -1],
    ['9223372036854775807', '9223372036854775808', -1],
    ['1.0-SNAPSHOT', '1.0-snapshot', 0],
  ] as const)('%s vs %s is %i', (a, b, expected) => {
    expect(mavenScheme.compare(a, b)).toBe(expected);
    expect(mavenScheme.compare(b, a)).toBe(-expected || 0);
  });

  it('rejects versions longer than Maven accepts', () => {
    expect(mavenScheme.isValid('1.'.repeat(200))).toBe(false);
    expect(() => mavenScheme.compare('1.'.repeat(200), '1')).toThrow(VersionError);
  });
});
