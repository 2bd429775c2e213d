import { describe, expect, it } from 'vitest';
import type { OsvAffected, OsvEvent } from '../advisories/osv.js';
import { getScheme } from '../versions/registry.js';
import type { VersionScheme } from '../versions/scheme.js';
import { evaluateEntry, lenientSemver } from './range.js';

const semver = getScheme('semver') as VersionScheme;
const schemes = { ecosystem: getScheme('npm') as VersionScheme, semver: lenientSemver(semver) };
type RangeKind = 'SEMVER' | 'ECOSYSTEM' | 'GIT';
const entry = (events: OsvEvent[], type: RangeKind = 'SEMVER'): OsvAffected =>
  ({ ranges: [{ type, events }] });

const shuffled: OsvEvent[] = [
  { fixed: '4.0.0' }, { introduced: '3.0.0' }, { fixed: '2.0.0' }, { introduced: '1.0.0' },
];

describe('evaluateEntry (OSV evaluation algorithm)', () => {
  it.each([
    // [installed, events, status, fixed versions reported]
    ['1.0.0', [{ introduced: '0' }, { fixed: '1.2.0' }], 'affected', ['1.2.0']],
    ['1.2.0', [{ introduced: '0' }, { fixed: '1.2.0' }], 'not-affected', []],
    ['1.2.0', [{ introduced: '0' }, { last_affected: '1.2.0' }], 'affected', []],
    ['1.2.1', [{ introduced: '0' }, { last_affected: '1.2.0' }], 'not-affected', []],
    ['0.9.0', [{ introduced: '1.0.0' }, { fixed: '2.0.0' }], 'not-affected', []],
    ['1.0.0', [{ introduced: '1.0.0' }, { fixed: '2.0.0' }], 'affected', ['2.0.0']],
    // Several introduced/fixed pairs, listed out of order: events are sorted first.
    ['3.5.0', shuffled, 'affected', ['4.0.0']],
    ['2.5.0', shuffled, 'not-affected', []],
    // `limit` bounds the range: nothing at or above it is affected.
    ['1.5.0', [{ introduced: '1.0.0' }, { limit: '2.0.0' }], 'affected', []],
    ['2.0.0', [{ introduced: '1.0.0' }, { limit: '2.0.0' }], 'not-affected', []],
    // Only an introduced event: everything from there on.
    ['99.0.0', [{ introduced: '0' }], 'affected', []],
    ['not.a.version', [{ introduced: '0' }, { fixed: '1.0.0' }], 'unknown', ['1.0.0']],
  ] as [string, OsvEvent[], string, string[]][])('%s in %j → %s', (version, events, status,
    fixed) => {
    expect(evaluateEntry(version, entry(events), schemes)).toEqual({
      status, fixed, gitRangesSkipped: 0,
    });
  });

  it('matches an explicit versions list exactly, and either a list or a range suffices', () => {
    const listed: OsvAffected = {
      versions: ['1.0.0', '1.0.1'], ...entry([{ introduced: '2.0.0' }]),
    };
    expect(evaluateEntry('1.0.1', listed, schemes).status).toBe('affected');
    expect(evaluateEntry('1.0.2', listed, schemes).status).toBe('not-affected');
    expect(evaluateEntry('2.1.0', listed, schemes).status).toBe('affected');
  });

  it('skips GIT ranges with a count: they name commits, not versions', () => {
    const git = entry([{ introduced: 'abc123' }, { fixed: 'def456' }], 'GIT');
    expect(evaluateEntry('1.0.0', git, schemes)).toEqual({
      status: 'not-affected', fixed: [], gitRangesSkipped: 1,
    });
  });

  it('is affected when any of several ranges says so', () => {
    const two: OsvAffected = { ranges: [
      { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] },
      { type: 'ECOSYSTEM', events: [{ introduced: '2.0.0' }, { fixed: '2.1.0' }] },
    ] };
    expect(evaluateEntry('2.0.5', two, schemes))
      .toMatchObject({ status: 'affected', fixed: ['2.1.0'] });
    expect(evaluateEntry('1.5.0', two, schemes).status).toBe('not-affected');
  });

  it('reads leading-zero versions such as Docker 19.03.1 numerically', () => {
    const docker = entry([{ introduced: '19.03.0' }, { fixed: '19.03.1' }]);
    expect(evaluateEntry('19.3.0', docker, schemes).status).toBe('affected');
    expect(evaluateEntry('19.03.1', docker, schemes).status).toBe('not-affected');
  });
});
