import { describe, expect, it } from 'vitest';
import { conformanceDir, readComparisons, readRows } from '../__tests__/conformance.js';
import { dpkgScheme } from './compare.js';
import { parseDebianVersion } from './parse.js';

const dir = conformanceDir('version-dpkg');

// Rows such as 'a' or '6.0-4.el6.x86_64' only draw a dpkg "bad syntax" warning; dpkg
// --compare-versions still orders them, and so does Moat.
describe.skipIf(dir === undefined)('dpkg conformance', () => {
  it.each(readComparisons(dir, 'cases.tsv'))('cases.tsv line $line: $a vs $b', (c) => {
    expect(dpkgScheme.compare(c.a, c.b)).toBe(c.expected);
  });

  it.each(readRows(dir, 'parse.tsv'))('parse.tsv line $line', ({ fields }) => {
    const [version = '', epoch = '', upstream = '', revision = ''] = fields;
    expect(parseDebianVersion(version)).toEqual({
      epoch: epoch === '' ? 0 : Number(epoch),
      upstream,
      revision,
    });
  });
});

describe('dpkg validity', () => {
  it.each([
    ['', 'version string is empty'],
    ['  ', 'version string is empty'],
    ['1 2', 'embedded spaces'],
    [':1', 'epoch in version is empty'],
    ['a:1', 'epoch in version is not number'],
    ['-1:1', 'epoch in version is negative'],
    ['99999999999:1', 'epoch in version is too big'],
    ['1:', 'nothing after colon'],
    ['1-', 'revision number is empty'],
    ['-1', 'upstream version is empty'],
  ])('rejects %j (%s)', (version, reason) => {
    expect(dpkgScheme.isValid(version)).toBe(false);
    expect(() => dpkgScheme.compare(version, '1')).toThrow(reason);
  });

  it.each([
    ['a1', 'version number does not start with digit'],
    ['1_0', 'invalid character in version number'],
    ['1-a_b', 'invalid character in revision number'],
  ])('orders %j with the warning dpkg prints (%s)', (version, warning) => {
    expect(dpkgScheme.isValid(version)).toBe(true);
    expect(parseDebianVersion(version).warning).toBe(warning);
  });

  it.each(['0', ' 1.0-1 ', '1:2:3-4', '1.0~rc1+dfsg-2~bpo1', '2147483647:1', '1.0-1-2'])(
    'accepts %j',
    (version) => {
      expect(dpkgScheme.isValid(version)).toBe(true);
    },
  );

  it('throws a VersionError with code INVALID_VERSION', () => {
    expect(() => dpkgScheme.compare('1:', '1')).toThrow(
      expect.objectContaining({ code: 'INVALID_VERSION', scheme: 'dpkg' }),
    );
  });
});
