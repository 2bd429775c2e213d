// Differential test: Moat's EVR ordering against rpm's own labelCompare (python3-rpm), with
// the EVR split by rpm.ver so rpm parses the strings too.
import { describe, expect, it } from 'vitest';
import { findPython, pythonSkipReason, runOracle } from '../__tests__/oracle.js';
import { makePairs, seededRandom } from '../__tests__/random.js';
import { rpmScheme } from './evr.js';

const random = seededRandom(0x4e3);
const piece = (): string =>
  random.pick([
    String(random.int(20)), '0', '007', String(random.int(1000000)), 'a', 'b', 'rc', 'el9',
    'fc40', 'git', 'Z', '~', '~rc1', '^', '^git1', '.', '_', '+', '.0', 'x86_64',
  ]);
const field = (): string => {
  let text = random.pick(['', '', 'a', String(random.int(10))]) || String(random.int(10));
  for (let n = random.int(5); n > 0; n--) text += piece();
  return text;
};

function makeEvr(): string {
  const epoch = random.chance(0.25) ? `${random.int(3)}:` : '';
  const release = random.chance(0.8) ? `-${field()}` : '';
  return `${epoch}${field()}${release}`;
}

function vary(evr: string): string {
  return random.pick([
    `${evr}~1`,
    `${evr}^1`,
    `${evr}.1`,
    `${evr}a`,
    evr.replace(/\d/, (d) => String((Number(d) + 1) % 10)),
    evr.replace(/^(\d+:)?/, '0:'),
    evr.replace(/-[^-]*$/, ''),
    evr.replace(/\.0/, '.00'),
  ]);
}

const DRIVER = `
import sys, rpm
for line in sys.stdin:
    a, b = line.rstrip("\\n").split("\\t")
    x, y = rpm.ver(a), rpm.ver(b)
    print(rpm.labelCompare((x.e, x.v, x.r), (y.e, y.v, y.r)))
`;

describe.skipIf(pythonSkipReason('rpm differential test', 'rpm'))(
  'rpm ordering agrees with rpm.labelCompare',
  () => {
    const pairs = makePairs(random, 300, makeEvr, vary).filter(
      ([a, b]) => rpmScheme.isValid(a) && rpmScheme.isValid(b),
    );
    const input = pairs.map(([a, b]) => `${a}\t${b}\n`).join('');

    it('on a few hundred generated pairs', () => {
      const answers = runOracle(findPython('rpm') ?? 'python3', ['-c', DRIVER], input);
      const disagreements = pairs
        .map(([a, b], i) => ({ a, b, rpm: answers[i], moat: String(rpmScheme.compare(a, b)) }))
        .filter((row) => row.rpm !== row.moat);
      expect(pairs.length).toBeGreaterThan(250);
      expect(answers).toHaveLength(pairs.length);
      expect(new Set(answers)).toEqual(new Set(['-1', '0', '1']));
      expect(disagreements).toEqual([]);
    });
  },
);
