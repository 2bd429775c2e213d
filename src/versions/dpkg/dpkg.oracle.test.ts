// Differential test: Moat's dpkg ordering against the installed `dpkg --compare-versions`.
import { describe, expect, it } from 'vitest';
import { runOracle } from '../__tests__/oracle.js';
import { makePairs, seededRandom } from '../__tests__/random.js';
import { skipReason } from '../../testing/requirements.js';
import { dpkgScheme } from './compare.js';

const random = seededRandom(0xdeb1);
const piece = (): string =>
  random.pick([
    String(random.int(20)), '0', '00', String(random.int(100000)), 'a', 'b', 'rc', 'dfsg',
    'Z', 'ubuntu', '~', '~~', '+', '.', '+b', '~rc', '.0', 'A',
  ]);
const upstream = (): string => {
  let text = String(random.int(10));
  for (let n = random.int(5); n > 0; n--) text += piece();
  return text;
};
const revision = (): string =>
  random.pick(['', '1', '0', '1ubuntu1', '2~bpo1', '1+b2', '0.1', 'a']);

function makeVersion(): string {
  const epoch = random.chance(0.2) ? `${random.int(3)}:` : '';
  const rev = revision();
  return `${epoch}${upstream()}${rev === '' ? '' : `-${rev}`}`;
}

function vary(version: string): string {
  return random.pick([
    `${version}~`,
    `${version}+1`,
    `${version}a`,
    `${version}.0`,
    version.replace(/\d/, (d) => String((Number(d) + 1) % 10)),
    version.replace(/^(\d+:)?/, '0:'),
    version.replace(/-[^-]*$/, ''),
    version.replace(/\.0/, '.00'),
  ]);
}

// One shell process reads the pairs from stdin; the versions never enter the script text.
const SCRIPT = [
  'while IFS="$(printf "\\t")" read -r a b; do',
  '  if dpkg --compare-versions "$a" lt "$b"; then echo -1;',
  '  elif dpkg --compare-versions "$a" eq "$b"; then echo 0;',
  '  else echo 1; fi',
  'done',
].join('\n');

describe.skipIf(skipReason('dpkg differential test', { tools: ['dpkg', 'sh'] }))(
  'dpkg ordering agrees with dpkg --compare-versions',
  () => {
    const pairs = makePairs(random, 300, makeVersion, vary).filter(
      ([a, b]) => dpkgScheme.isValid(a) && dpkgScheme.isValid(b),
    );
    const input = pairs.map(([a, b]) => `${a}\t${b}\n`).join('');

    it('on a few hundred generated pairs', () => {
      const answers = runOracle('sh', ['-c', SCRIPT], input);
      const moat = pairs.map(([a, b]) => String(dpkgScheme.compare(a, b)));
      const disagreements = pairs
        .map(([a, b], i) => ({ a, b, dpkg: answers[i], moat: moat[i] }))
        .filter((row) => row.dpkg !== row.moat);
      expect(pairs.length).toBeGreaterThan(250);
      expect(answers).toHaveLength(pairs.length);
      expect(new Set(answers)).toEqual(new Set(['-1', '0', '1']));
      expect(disagreements).toEqual([]);
    });
  },
);
