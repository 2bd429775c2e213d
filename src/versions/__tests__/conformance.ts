// Test-only: reads the shared conformance data (other projects' version test cases) by path.
// When the folder is absent the tests skip and print why.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const conformanceRoot = path.resolve(repoRoot, '..', 'shared', 'conformance');

export interface ComparisonCase {
  a: string;
  b: string;
  expected: -1 | 0 | 1;
  origin: string;
  line: number;
}

/** Path of one conformance folder, or undefined (with the reason printed) when absent. */
export function conformanceDir(folder: string): string | undefined {
  const dir = path.join(conformanceRoot, folder);
  if (existsSync(dir)) {
    return dir;
  }

  // eslint-disable-next-line no-console -- test support: a skipped suite must say why
  console.log(`skipping ${folder} conformance: ${dir} is absent`);
  return undefined;
}

/** The data rows of a TSV file: `#` lines and the final empty line are not rows. */
export function readRows(
  dir: string | undefined,
  file: string,
): { fields: string[]; line: number }[] {
  if (dir === undefined) {
    return [];
  }

  const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
  return lines
    .map((text, index) => ({ fields: text.split('\t'), line: index + 1, text }))
    .filter((row) => !row.text.startsWith('#') && !(row.text === '' && row.line === lines.length))
    .map(({ fields, line }) => ({ fields, line }));
}

/** Rows of an `a<TAB>b<TAB>expected<TAB>origin` file. */
export function readComparisons(dir: string | undefined, file: string): ComparisonCase[] {
  return readRows(dir, file).map(({ fields, line }) => {
    const [a = '', b = '', expected = '', origin = ''] = fields;
    const sign = Number(expected);
    if (sign !== -1 && sign !== 0 && sign !== 1) {
      throw new Error(`${file}:${line}: expected must be -1, 0 or 1, got ${expected}`);
    }

    return { a, b, expected: sign, origin, line };
  });
}

/** A short label for a case in test names. */
export function label(c: ComparisonCase): string {
  return `${c.line}: ${JSON.stringify(c.a)} vs ${JSON.stringify(c.b)}`;
}
