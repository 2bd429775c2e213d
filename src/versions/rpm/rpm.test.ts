import { describe, expect, it } from 'vitest';
import { conformanceDir, readComparisons, readRows } from '../__tests__/conformance.js';
import { VersionError } from '../errors.js';
import { compareRpmEvr, parseRpmEvr, rpmScheme } from './evr.js';
import { rpmvercmp } from './rpmvercmp.js';

const dir = conformanceDir('version-rpm');

describe.skipIf(dir === undefined)('rpmvercmp conformance', () => {
  it.each(readComparisons(dir, 'rpmvercmp.tsv'))('rpmvercmp.tsv line $line: $a vs $b', (c) => {
    expect(rpmvercmp(c.a, c.b)).toBe(c.expected);
  });

  // 4,489 rows: checked in one test that lists every row that disagrees. go-rpm-version
  // applies each pair as the version and as the release (epoch 0), so both are checked.
  it('rpmvercmp_go-rpm-version.tsv: every row, as version and as release', () => {
    const rows = readComparisons(dir, 'rpmvercmp_go-rpm-version.tsv');
    const wrong = rows.filter(
      (c) =>
        rpmvercmp(c.a, c.b) !== c.expected ||
        compareRpmEvr({ version: c.a }, { version: c.b }) !== c.expected ||
        compareRpmEvr({ version: '1', release: c.a }, { version: '1', release: c.b }) !==
          c.expected,
    );
    expect(rows.length).toBeGreaterThan(4000);
    expect(wrong).toEqual([]);
  });
});

// evr_parse.tsv records go-rpm-version's lenient splitter. Moat splits as rpm's parseEVR()
// (checked with python3-rpm's rpm.ver):
// the release follows the LAST `-`, and an epoch is only a leading digit run before `:`
// (no trimming, no signs, no letters). Rows where the two differ carry rpm's own answer here.
const rpmSplits: Record<string, [string, string, string]> = {
  '0:0-0-0': ['0', '0-0', '0'],
  '0:0-0-0-0': ['0', '0-0-0', '0'],
  '0:0:0-0-0': ['0', '0:0-0', '0'],
  '0:0-0:0-0': ['0', '0-0:0', '0'],
  '  \t0:0-1': ['', '  \t0:0', '1'],
  '\t  0:0-1  \t': ['', '\t  0:0', '1  \t'],
  ' ': ['', ' ', ''],
  '0:': ['0', '', ''],
  '-1:0-1': ['', '-1:0', '1'],
  'a:0-0': ['', 'a:0', '0'],
  'A:1-2': ['', 'A:1', '2'],
  'A:1.2.3': ['', 'A:1.2.3', ''],
  '-1:1.2.3': ['', '', '1:1.2.3'],
};

describe.skipIf(dir === undefined)('EVR parsing', () => {
  it.each(readRows(dir, 'evr_parse.tsv'))('evr_parse.tsv line $line', ({ fields }) => {
    const evr = fields[0]?.replaceAll('\\t', '\t') ?? '';
    const expected = rpmSplits[evr] ?? fields.slice(1).map((f) => f.replaceAll('\\t', '\t'));
    const [epoch = '', version = '', release = ''] = expected;
    const parsed = parseRpmEvr(evr);
    expect(parsed.epoch ?? '0').toBe(epoch === '' ? '0' : epoch);
    expect(parsed.version).toBe(version);
    expect(parsed.release ?? '').toBe(release);
  });
});

describe('rpm EVR ordering (rpm.labelCompare)', () => {
  it.each([
    ['1.0-1', '1:0.1-1', -1],
    ['0:1.0-1', '1.0-1', 0],
    ['1.0', '1.0-1', -1],
    ['1.0~rc1-1', '1.0-1', -1],
    ['1.0^git1-1', '1.0-1', 1],
    ['1.0^git1-1', '1.0.1-1', -1],
    ['2:1-1', '10:1-1', -1],
    ['1.0-1.el9', '1.0-1.el9_2', -1],
    ['1.0-2.fc40', '1.0-10.fc40', -1],
  ] as const)('%s vs %s is %i', (a, b, expected) => {
    expect(rpmScheme.compare(a, b)).toBe(expected);
    expect(rpmScheme.compare(b, a)).toBe(-expected || 0);
  });

  it.each(['', '-1', '1.0-1-2', '1.0 -1', 'a:1.0', '1.0-', ':', '1.0\n', 'x'.repeat(1100)])(
    'rejects %j',
    (evr) => {
      expect(rpmScheme.isValid(evr)).toBe(false);
      expect(() => rpmScheme.compare(evr, '1.0')).toThrow(VersionError);
    },
  );
});
