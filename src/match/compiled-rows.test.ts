import { describe, expect, it } from 'vitest';
import type { OsvAffected } from '../advisories/osv.js';
import type { AdvisoryReader, AffectedRow } from '../advisories/store.js';
import { getScheme } from '../versions/registry.js';
import type { VersionScheme } from '../versions/scheme.js';
import { AdvisoryIndex } from './advisory-index.js';
import { compileRows, evaluateRow } from './compiled-rows.js';
import { evaluateEntry, lenientSemver, type RangeSchemes } from './range.js';
import { placeOf } from './ranked-range.js';

function row(entry: OsvAffected, listed: string[] = []): AffectedRow {
  return { advisoryId: 'A-1', ecosystem: 'Debian:12', entry,
    listsVersion: (v) => listed.includes(v) || entry.versions?.includes(v) === true };
}

const entries: OsvAffected[] = [
  { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2-1' }] }] },
  { ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '2.0.0' }] },
    { type: 'GIT', events: [{ introduced: 'abc' }] }] },
  { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 'not a version!' }] }] },
  { versions: ['1.4', 'odd'], ranges: [{ type: 'ECOSYSTEM',
    events: [{ introduced: '1.0' }, { limit: '2.0' }, { fixed: '3.0' }] }] },
  { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { last_affected: '1.5' }] },
    { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] },
];
const versions = ['0.5', '1.0', '1.0.0', '1.2-1', '1.4', '1.7.0', '2.5', 'odd', 'not a version!',
  ''];

function sameAsEntries(schemes: RangeSchemes): number {
  const listed = ['1.7.0'];
  const compiled = compileRows(entries.map((e) => row(e, listed)), schemes);
  let notMissed = 0;
  for (const version of versions) {
    // One version's places on the ladders are shared by all the name's rows, as in matching.
    const places = compiled.ladders.map((ladder) => placeOf(ladder, version));
    compiled.rows.forEach((c, i) => {
      const entry = entries[i] as OsvAffected;
      const want = evaluateEntry(version, entry, schemes, c.row.listsVersion);
      expect(evaluateRow(version, c, schemes, places, c.row.listsVersion(version)),
        `${version} in entry ${i}`)
        .toEqual(want);
      notMissed += want.status === 'not-affected' ? 0 : 1;
    });
  }

  return notMissed;
}

/** A row whose store hands out its `versions` list, as the SQLite store does. */
function listingRow(entry: OsvAffected, listed: string[]): AffectedRow {
  return { ...row(entry, listed), listedVersions: () => [...listed, ...entry.versions ?? []] };
}

describe('compiled rows', () => {
  it('list each version under exactly the rows whose versions list holds it', () => {
    const [first, , third, withList] = entries as [OsvAffected, OsvAffected, OsvAffected,
      OsvAffected];
    const rows = [listingRow(first, ['1.0', '1.1', '1.0']), listingRow(withList, []),
      listingRow(third, ['1.1', '2.0']), row(first, ['1.1'])];
    const compiled = compileRows(rows, { ecosystem: getScheme('dpkg') as VersionScheme });
    expect(compiled.rows.map((c) => c.asksList)).toEqual([false, false, false, true]);
    // The last row's store cannot list its versions: it is asked instead.
    expect(Object.fromEntries(compiled.listing)).toEqual({ '1.0': [0], '1.1': [0, 2],
      '2.0': [2], '1.4': [1], 'odd': [1] });
  });


  it('give every verdict evaluateEntry gives, readable versions or not', () => {
    const dpkg = getScheme('dpkg') as VersionScheme;
    const semver = lenientSemver(getScheme('semver') as VersionScheme);
    expect(sameAsEntries({ ecosystem: dpkg, semver })).toBeGreaterThan(15);
    // A scheme without parsed forms takes the string path for the whole row.
    const plain: VersionScheme = { name: 'dpkg', isValid: (v) => dpkg.isValid(v),
      compare: (a, b) => dpkg.compare(a, b) };
    expect(sameAsEntries({ ecosystem: plain, semver })).toBeGreaterThan(15);
  });

  it('are read anew from a new index after the store changes', () => {
    let fixed = '1.0';
    const reader = {
      affectedForNames: (_e: string, names: Iterable<string>) => new Map([...names].map((n) =>
        [n, [row({ ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] })]])),
    } as unknown as AdvisoryReader;
    const schemes = { ecosystem: getScheme('dpkg') as VersionScheme };
    const verdictIn = (index: AdvisoryIndex) => {
      index.loadRows(reader, 'Debian:12', ['zlib']);
      const name = index.compiledRowsOf('Debian:12', 'zlib', schemes);
      const [compiled] = name.rows;
      return compiled === undefined ? 'none'
        : evaluateRow('1.5', compiled, schemes,
          name.ladders.map((ladder) => placeOf(ladder, '1.5')), false).status;
    };

    const first = new AdvisoryIndex('1');
    expect(verdictIn(first)).toBe('not-affected');
    fixed = '2.0';
    // The same index keeps what it compiled; the next revision's index reads the new rows.
    expect(verdictIn(first)).toBe('not-affected');
    expect(verdictIn(new AdvisoryIndex('2'))).toBe('affected');
    expect(new AdvisoryIndex('3').compiledRowsOf('Debian:12', 'absent', schemes).rows)
      .toEqual([]);
  });
});
