import { describe, expect, it } from 'vitest';
import type { OsvAffected, OsvEvent } from '../advisories/osv.js';
import { getScheme } from '../versions/registry.js';
import type { VersionScheme } from '../versions/scheme.js';
import { evaluateEntry } from './range.js';

// The same ordering without parsed forms, so evaluateEntry compares strings as before.
function byStrings(scheme: VersionScheme): VersionScheme {
  return { name: scheme.name, isValid: (v) => scheme.isValid(v),
    compare: (a, b) => scheme.compare(a, b) };
}

const eventLists: OsvEvent[][] = [
  [{ introduced: '0' }, { fixed: '1.2-1' }],
  [{ introduced: '0' }],
  [{ introduced: '0' }, { introduced: '1.5' }, { fixed: '2.0' }],
  [{ fixed: '4.0' }, { introduced: '3.0' }, { fixed: '2.0' }, { introduced: '1.0' }],
  [{ introduced: '1.0' }, { last_affected: '1.4' }],
  [{ introduced: '1.0' }, { limit: '2.0' }, { limit: '3.0' }],
  [{ introduced: '0' }, { fixed: 'not a version!' }],
  [{ introduced: '1.0' }, { fixed: '2.0', last_affected: '1.5' }],
  [{ introduced: '0' }, { fixed: '1.0' }, { fixed: '3.0' }],
];
const versions = ['0.5', '1.0', '1.2-1', '1.4', '1.7', '2.0', '2.5', '3.5', '5.0',
  'not a version!', ''];

describe('compiled ranges', () => {
  it('give every verdict and fixed list that comparing strings gives', () => {
    const dpkg = getScheme('dpkg') as VersionScheme;
    const plain = { ecosystem: byStrings(dpkg) };
    let affected = 0;
    let unknown = 0;
    for (const events of eventLists) {
      const entry: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events }] };
      for (const version of versions) {
        const fast = evaluateEntry(version, entry, { ecosystem: dpkg });
        expect(fast, `${version} in ${JSON.stringify(events)}`)
          .toEqual(evaluateEntry(version, entry, plain));
        affected += fast.status === 'affected' ? 1 : 0;
        unknown += fast.status === 'unknown' ? 1 : 0;
      }
    }

    // Both ways are exercised: affected and unknown verdicts, readable or not.
    expect(affected).toBeGreaterThan(10);
    expect(unknown).toBeGreaterThan(5);
  });

  it('compile a range anew for another scheme', () => {
    // dpkg sorts 1.0 before 1.0a1; PEP 440 reads 1.0a1 as a pre-release of 1.0.
    const entry: OsvAffected = { ranges: [{ type: 'ECOSYSTEM',
      events: [{ introduced: '0' }, { fixed: '1.0a1' }] }] };
    const dpkg = getScheme('dpkg') as VersionScheme;
    const pep440 = getScheme('pep440') as VersionScheme;
    expect(evaluateEntry('1.0', entry, { ecosystem: dpkg }).status).toBe('affected');
    expect(evaluateEntry('1.0', entry, { ecosystem: pep440 }).status).toBe('not-affected');
    expect(evaluateEntry('1.0', entry, { ecosystem: dpkg }).status).toBe('affected');
  });
});
