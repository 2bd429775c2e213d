import { describe, expect, it } from 'vitest';
import { conformanceDir, readComparisons, readRows } from '../__tests__/conformance.js';
import { VersionError } from '../errors.js';
import { normalizePep440, pep440Scheme, satisfiesPep440 } from './pep440.js';

const dir = conformanceDir('version-pep440');

// The data files write non-printable characters Python-escaped (`\u0660`, `\t`).
function unescape(text: string): string {
  const simple: Record<string, string> = { t: '\t', n: '\n', r: '\r', v: '\v', f: '\f' };
  simple['\\'] = '\\';
  return text.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[tnrvf\\])/g, (_, code: string) => {
    return simple[code] ?? String.fromCharCode(parseInt(code.slice(1), 16));
  });
}

describe.skipIf(dir === undefined)('pep440 conformance', () => {
  // 8,464 rows: checked in one test that lists every row that disagrees.
  it('cases.tsv: every ordered pair', () => {
    const rows = readComparisons(dir, 'cases.tsv');
    const wrong = rows.filter((c) => pep440Scheme.compare(c.a, c.b) !== c.expected);
    expect(rows.length).toBeGreaterThan(8000);
    expect(wrong).toEqual([]);
  });

  it.each(readRows(dir, 'normalize.tsv'))('normalize.tsv line $line', ({ fields }) => {
    const [input = '', expected = ''] = fields;
    expect(normalizePep440(unescape(input))).toBe(expected);
  });

  it.each(readRows(dir, 'invalid.txt'))('invalid.txt line $line', ({ fields }) => {
    const version = unescape(fields.join('\t'));
    expect(pep440Scheme.isValid(version)).toBe(false);
    expect(() => pep440Scheme.compare(version, '1.0')).toThrow(VersionError);
  });

  it.each(readRows(dir, 'specifiers.tsv'))('specifiers.tsv line $line', ({ fields }) => {
    const [version = '', specifier = '', expected = ''] = fields;
    expect(satisfiesPep440(version, specifier)).toBe(expected === 'true');
  });
});

describe('pep440 limits', () => {
  it('rejects an overlong version', () => {
    expect(pep440Scheme.isValid('1.'.repeat(200) + '0')).toBe(false);
  });
});

describe('pep440 normalisation', () => {
  it.each([
    ['1.0+Ubuntu-1.Foo_2', '1.0+ubuntu.1.foo.2'],
    [' 2!01.02a1.post-3.DEV4 ', '2!1.2a1.post3.dev4'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizePep440(input)).toBe(expected);
  });
});
