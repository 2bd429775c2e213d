import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentalScore, scoreCvss } from './cvss.js';

const conformance = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'conformance', 'cvss');

function rows(file: string): string[][] {
  return readFileSync(resolve(conformance, file), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split('\t'));
}

const fixed = (n: number | undefined): string | undefined => n?.toFixed(1);

describe('scoreCvss', () => {
  it('agrees with every CVSS 3.0/3.1 reference row (base, temporal, environmental)', () => {
    const table = rows('cvss31_all.tsv');
    expect(table.length).toBeGreaterThan(5000);
    const wrong = table.filter(([vector, base, temporal, environmental]) => {
      const score = scoreCvss(vector ?? '');
      return fixed(score?.baseScore) !== Number(base).toFixed(1)
        || fixed(score?.temporalScore ?? score?.baseScore) !== Number(temporal).toFixed(1)
        || fixed(environmentalScore(vector ?? '')) !== Number(environmental).toFixed(1);
    });
    expect(wrong).toEqual([]);
  });

  it('agrees with every CVSS 4.0 reference row', () => {
    const table = rows('cvss40_all.tsv');
    expect(table.length).toBeGreaterThan(1000);
    const wrong = table.filter(([vector, score]) =>
      fixed(scoreCvss(vector ?? '')?.baseScore) !== Number(score).toFixed(1));
    expect(wrong).toEqual([]);
  });

  it.each([
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', '2.0', 7.5],
    ['(AV:N/AC:M/Au:N/C:N/I:P/A:N)', '2.0', 4.3],
  ])('scores the CVSS v2 vector %s', (vector, version, score) => {
    expect(scoreCvss(vector)).toMatchObject({ version, baseScore: score });
  });

  it.each(['', 'CVSS:3.1/garbage', 'CVSS:9.9/AV:N', 'not a vector'])(
    'rejects %j', (vector) => {
      expect(scoreCvss(vector)).toBeUndefined();
    },
  );
});
