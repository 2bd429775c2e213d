import { describe, expect, it } from 'vitest';
import { conformanceDir, readComparisons, readRows } from '../__tests__/conformance.js';
import { VersionError } from '../errors.js';
import { apkScheme, compareApkVersions, isValidApkVersion } from './compare.js';
import { matchesApkOperator } from './fuzzy.js';

const dir = conformanceDir('version-apk');
const cases = readComparisons(dir, 'cases.tsv');
const bothValid = (c: { a: string; b: string }): boolean =>
  isValidApkVersion(c.a) && isValidApkVersion(c.b);

describe.skipIf(dir === undefined)('apk conformance', () => {
  it.each(cases.filter(bothValid))('cases.tsv line $line: $a vs $b', (c) => {
    expect(apkScheme.compare(c.a, c.b)).toBe(c.expected);
  });

  // apk-tools still orders an invalid version (its data notes "invalid. do string sort");
  // Moat's scheme rejects it, and the raw apk comparison must still agree with apk.
  it.each(cases.filter((c) => !bothValid(c)))('cases.tsv line $line (invalid side)', (c) => {
    expect(compareApkVersions(c.a, c.b)).toBe(c.expected);
    expect(() => apkScheme.compare(c.a, c.b)).toThrow(VersionError);
  });

  it.each(readRows(dir, 'validity.tsv'))('validity.tsv line $line', ({ fields }) => {
    const [version = '', expected = ''] = fields;
    expect(isValidApkVersion(version)).toBe(expected === 'valid');
  });

  it.each(readRows(dir, 'fuzzy.tsv'))('fuzzy.tsv line $line', ({ fields }) => {
    const [a = '', op = '', b = ''] = fields;
    expect(matchesApkOperator(a, op, b)).toBe(true);
  });
});

describe('apk ordering', () => {
  it.each([
    ['1.0_alpha', '1.0_beta'],
    ['1.0_rc9', '1.0'],
    ['1.0', '1.0_cvs'],
    ['1.0_git', '1.0_hg'],
    ['1.0_hg', '1.0_p1'],
    ['1.0', '1.0a'],
    ['1.0a', '1.0.1'],
    ['1.0-r1', '1.0-r10'],
    ['1.0~abc-r5', '1.0~abd-r0'],
    ['1.0', '1.0~0'],
    ['1.0', '1.0-r0'],
    ['99999999999999999999', '100000000000000000000'],
  ])('%s < %s', (a, b) => {
    expect(apkScheme.compare(a, b)).toBe(-1);
    expect(apkScheme.compare(b, a)).toBe(1);
  });

  it.each([['01.0', '1.0'], ['1.0_p1', '1.0_p01'], ['1.0', '1.0']])('%s equals %s', (a, b) => {
    expect(apkScheme.compare(a, b)).toBe(0);
  });

  it('rejects an overlong version', () => {
    expect(isValidApkVersion('1.'.repeat(600) + '0')).toBe(false);
  });
});
