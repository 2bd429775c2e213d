// Differential test: Moat's Maven ordering against maven-artifact's own ComparableVersion
// (its main() compares each argument with the next, so one JVM answers the whole batch).
// The installed maven-artifact is 3.8; Moat follows today's ComparableVersion (3.9+: a
// trailing `.X` read as `-X`, `X1`/`X-1` combination items), which the conformance data
// checks. The two differ only on exotic strings such as `2.RC` vs `2.RC.0`, so this test
// draws the shapes real artifacts use, where both releases must agree.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runOracle } from '../__tests__/oracle.js';
import { makePairs, seededRandom } from '../__tests__/random.js';
import { skipReason } from '../../testing/requirements.js';
import { mavenScheme } from './maven.js';

const LIB = '/usr/share/maven/lib';
const jar = ((): string | undefined => {
  try {
    return readdirSync(LIB).find((name) => /^maven-artifact-3\..*\.jar$/.test(name));
  } catch {
    return undefined;
  }
})();

const random = seededRandom(0x3a7);
const number = (): string =>
  random.pick(['0', '1', '2', '3', '10', '01', String(random.int(1e6)), '2147483648']);
const QUALIFIERS = ['alpha', 'a', 'beta', 'b', 'milestone', 'm', 'rc', 'cr', 'RC', 'CR',
  'snapshot', 'SNAPSHOT', 'ga', 'GA', 'final', 'Final', 'sp', 'SP', 'foo', 'jre', 'android'];

// Real-world shapes: dotted numbers, then an optional `-qualifier[N]` and `-SNAPSHOT`.
function makeVersion(): string {
  let text = Array.from({ length: 1 + random.int(4) }, number).join('.');
  if (random.chance(0.5)) {
    const digits = random.pick(['', '', '1', '2', '10']);
    text += `-${random.pick(QUALIFIERS)}${digits}`;
  }

  return random.chance(0.15) ? `${text}-SNAPSHOT` : text;
}

function vary(version: string): string {
  return random.pick([
    `${version}.0`,
    `${version}-SNAPSHOT`,
    `${version}.1`,
    `${version}-1`,
    version.replace(/\d/, (d) => String((Number(d) + 1) % 10)),
    version.replace(/-[^-]*$/, ''),
    version.replace(/^(\d+)/, '$1.0'),
  ]);
}

// "   A < B" lines, in argument order: line k compares argument k with argument k + 1.
const RESULT = /^ {3}\S* (<|==|>) \S*$/;
const SIGN: Record<string, string> = { '<': '-1', '==': '0', '>': '1' };

const needs = ['java', jar === undefined ? `${LIB}/maven-artifact-3.x.jar` : 'java'];

describe.skipIf(skipReason('maven differential test', { tools: needs }))(
  'maven ordering agrees with ComparableVersion',
  () => {
    const pairs = makePairs(random, 300, makeVersion, vary);

    it('on a few hundred generated pairs', () => {
      const main = 'org.apache.maven.artifact.versioning.ComparableVersion';
      const args = ['-cp', `${LIB}/${jar ?? ''}`, main, ...pairs.flat()];
      const lines = runOracle('java', args).filter((line) => RESULT.test(line));
      const sign = (line = ''): string => SIGN[RESULT.exec(line)?.[1] ?? ''] ?? '?';
      const answers = pairs.map((_, i) => sign(lines[2 * i]));
      const disagreements = pairs
        .map(([a, b], i) => ({ a, b, maven: answers[i], moat: String(mavenScheme.compare(a, b)) }))
        .filter((row) => row.maven !== row.moat);
      expect(lines).toHaveLength(pairs.length * 2 - 1);
      expect(new Set(answers)).toEqual(new Set(['-1', '0', '1']));
      expect(disagreements).toEqual([]);
    });
  },
);
