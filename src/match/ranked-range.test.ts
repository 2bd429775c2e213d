import { describe, expect, it } from 'vitest';
import type { OsvRange } from '../advisories/osv.js';
import type { ParsedScheme } from '../versions/parsed-scheme.js';
import { getScheme } from '../versions/registry.js';
import { compileRange, type CompiledRange } from './compiled-range.js';
import { inEvents, type RangeEvent } from './range-events.js';
import {
  evaluateRanked, ladderOf, nameSteps, placeOf, placeOn, spansOf, UNREADABLE, type Ladder,
} from './ranked-range.js';

// A small deterministic generator, so a failure names a case that can be run again.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Events with versions ranked on a ladder of `steps` steps (even places), in any order. */
function events(next: () => number, steps: number): RangeEvent<number>[] {
  const rank = () => 2 * Math.floor(next() * steps);
  const made: RangeEvent<number>[] = [];
  if (next() < 0.5) {
    made.push({ introducedZero: true });
  }

  const count = Math.floor(next() * 5);
  for (let i = 0; i < count; i += 1) {
    const kind = Math.floor(next() * 4);
    made.push(kind === 0 ? { introducedZero: false, introduced: rank() }
      : kind === 1 ? { introducedZero: false, fixed: rank() }
        : kind === 2 ? { introducedZero: false, lastAffected: rank() }
          : { introducedZero: false, limit: rank() });
  }

  return made;
}

describe('ranked ranges', () => {
  it('cover exactly the places the OSV rule puts in the range', () => {
    const next = random(7);
    let covered = 0;
    let missed = 0;
    for (let i = 0; i < 2_000; i += 1) {
      const steps = 1 + Math.floor(next() * 6);
      const sorted = events(next, steps);
      const range = { sorted, fixed: [], spans: spansOf(sorted) };
      // -1 is below every step, 2 * steps - 1 above them all.
      for (let at = -1; at <= 2 * steps - 1; at += 1) {
        const want = inEvents(sorted, (bound) => at - bound) ? 'affected' : 'not-affected';
        expect(evaluateRanked(at, range), `${at} in ${JSON.stringify(sorted)}`).toBe(want);
        covered += want === 'affected' ? 1 : 0;
        missed += want === 'affected' ? 0 : 1;
      }
    }

    expect(covered).toBeGreaterThan(1_000);
    expect(missed).toBeGreaterThan(1_000);
  });

  it('keep spans ascending and merged', () => {
    expect(spansOf([{ introducedZero: true }])).toEqual([-Infinity, Infinity]);
    expect(spansOf([{ introducedZero: true }, { introducedZero: false, fixed: 4 }]))
      .toEqual([-Infinity, 3]);
    expect(spansOf([{ introducedZero: false, introduced: 2 },
      { introducedZero: false, lastAffected: 4 }, { introducedZero: false, introduced: 8 }]))
      .toEqual([2, 4, 8, Infinity]);
    expect(spansOf([])).toEqual([]);
  });
});

describe('ladders', () => {
  it('place a version spelled as a step by name exactly where searching puts it', () => {
    const dpkg = getScheme('dpkg') as ParsedScheme<unknown>;
    const ranges: OsvRange[] = [
      { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2-1' }] },
      { type: 'ECOSYSTEM', events: [{ introduced: '1:0.9' }, { last_affected: '2.0' },
        { limit: '3.0' }, { fixed: '1.02-1' }] },
    ];
    const compiled = ranges.map((r) => compileRange(r, dpkg) as CompiledRange<unknown>);
    const ladder = ladderOf(compiled) as Ladder;
    ranges.forEach((range) => nameSteps(ladder, range));
    // 1.02-1 and 1.2-1 are one step, spelled two ways; "0" names no step.
    expect([...ladder.named.keys()].sort()).toEqual(['1.02-1', '1.2-1', '1:0.9', '2.0', '3.0']);
    for (const version of ['0.1', '1.02-1', '1.2-1', '1.5', '1:0.9', '2.0', '3.0', '9']) {
      expect(placeOf(ladder, version), version).toBe(placeOn(ladder, dpkg.parse(version)));
    }

    expect(placeOf(ladder, 'not a version!')).toBe(UNREADABLE);
    expect(ladder.named.get('1.02-1')).toBe(ladder.named.get('1.2-1'));
  });
});
