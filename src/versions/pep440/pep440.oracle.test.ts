// Differential test: Moat's PEP 440 ordering and normal forms against pypa/packaging's
// Version, the reference implementation pip uses.
import { describe, expect, it } from 'vitest';
import { findPython, pythonSkipReason, runOracle } from '../__tests__/oracle.js';
import { makePairs, seededRandom } from '../__tests__/random.js';
import { normalizePep440, pep440Scheme } from './pep440.js';

const random = seededRandom(0x440);
const number = (): string =>
  random.pick(['0', '1', '2', '10', '00', '01', String(random.int(9999))]);
const sep = (): string => random.pick(['', '.', '-', '_']);

function makeVersion(): string {
  let text = random.chance(0.1) ? `${random.int(3)}!` : '';
  text += random.chance(0.05) ? 'v' : '';
  text += Array.from({ length: 1 + random.int(4) }, number).join('.');
  if (random.chance(0.4)) {
    const label = random.pick(['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview', 'RC']);
    text += `${sep()}${label}${random.chance(0.8) ? number() : ''}`;
  }

  if (random.chance(0.3)) {
    text += random.chance(0.2)
      ? `-${number()}`
      : `${sep()}${random.pick(['post', 'rev', 'r'])}${random.chance(0.8) ? number() : ''}`;
  }

  if (random.chance(0.3)) {
    text += `${sep()}${random.pick(['dev', 'DEV'])}${random.chance(0.8) ? number() : ''}`;
  }

  if (random.chance(0.2)) {
    const parts = Array.from({ length: 1 + random.int(3) }, () =>
      random.pick(['ubuntu', 'abc', '1', '02', 'Z9', String(random.int(100))]),
    );
    text += `+${parts.join(random.pick(['.', '-', '_']))}`;
  }

  return text;
}

function vary(version: string): string {
  return random.pick([
    `${version}.0`,
    `${version}.post1`,
    `${version}.dev0`,
    `${version}+local`,
    version.replace(/\d/, (d) => String((Number(d) + 1) % 10)),
    version.replace(/\+.*$/, ''),
    version.toUpperCase(),
  ]);
}

const DRIVER = `
import sys
from packaging.version import Version
for line in sys.stdin:
    a, b = line.rstrip("\\n").split("\\t")
    x, y = Version(a), Version(b)
    print((x > y) - (x < y), str(x), str(y))
`;

describe.skipIf(pythonSkipReason('pep440 differential test', 'packaging'))(
  'pep440 agrees with packaging.version.Version',
  () => {
    const pairs = makePairs(random, 400, makeVersion, vary).filter(
      ([a, b]) => pep440Scheme.isValid(a) && pep440Scheme.isValid(b),
    );
    const input = pairs.map(([a, b]) => `${a}\t${b}\n`).join('');

    it('on a few hundred generated pairs: order and normal form', () => {
      const answers = runOracle(findPython('packaging') ?? 'python3', ['-c', DRIVER], input);
      const disagreements = pairs
        .map(([a, b], i) => ({
          a,
          b,
          packaging: answers[i],
          moat: `${pep440Scheme.compare(a, b)} ${normalizePep440(a)} ${normalizePep440(b)}`,
        }))
        .filter((row) => row.packaging !== row.moat);
      expect(pairs.length).toBeGreaterThan(250);
      expect(answers).toHaveLength(pairs.length);
      expect(disagreements).toEqual([]);
    });
  },
);
