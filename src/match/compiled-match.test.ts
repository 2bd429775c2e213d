import { describe, expect, it } from 'vitest';
import type { OsvAffected } from '../advisories/osv.js';
import type { AffectedRow } from '../advisories/store.js';
import { getScheme } from '../versions/registry.js';
import type { VersionScheme } from '../versions/scheme.js';
import { matchCompiledLookup } from './compiled-match.js';
import { compileRows } from './compiled-rows.js';
import { matchLookup } from './match.js';
import type { RangeSchemes } from './range.js';

const ranged = (fixed: string): OsvAffected['ranges'] =>
  [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }];

// Rows of two advisories, some listing versions through their store, one only answering.
function rows(): AffectedRow[] {
  const made: { id: string; entry: OsvAffected; list: string[]; indexed: boolean }[] = [
    { id: 'A', entry: { ranges: ranged('1.2') }, list: ['1.5', '2.0'], indexed: true },
    { id: 'B', entry: { versions: ['1.5'] }, list: [], indexed: true },
    { id: 'A', entry: { ranges: ranged('1.0') }, list: ['2.0', '3.0'], indexed: false },
    { id: 'B', entry: { ranges: [{ type: 'GIT', events: [{ introduced: 'abc' }] }] },
      list: ['3.0'], indexed: true },
    { id: 'C', entry: { ranges: ranged('not a version!') }, list: ['1.5'], indexed: true },
  ];
  return made.map(({ id, entry, list, indexed }) => {
    const all = [...list, ...entry.versions ?? []];
    const row: AffectedRow = { advisoryId: id, ecosystem: 'Debian:12', entry,
      listsVersion: (v) => all.includes(v) };
    return indexed ? { ...row, listedVersions: () => all } : row;
  });
}

describe('matchCompiledLookup', () => {
  it('gives the hits, positions and skipped ranges of matchLookup, listed or not', () => {
    const schemes: RangeSchemes = { ecosystem: getScheme('dpkg') as VersionScheme };
    const source = rows();
    const compiled = compileRows(source, schemes);
    let hits = 0;
    for (const version of ['0.5', '1.1', '1.5', '2.0', '3.0', '4.0', 'odd!']) {
      const lookup = { ecosystems: ['Debian:12', 'Nowhere'], name: 'p', version };
      const schemesOf = (e: string) => (e === 'Debian:12' ? schemes : undefined);
      const stats = { gitRangesSkipped: 0 };
      const matched: number[] = [];
      const want = matchLookup(lookup, () => source, schemesOf, stats, matched);
      const got = matchCompiledLookup(lookup, () => compiled, schemesOf);
      expect({ hits: got.hits, problem: got.problem }, version).toEqual(want);
      expect(got.rowsHit, version).toEqual(matched);
      expect(got.gitRangesSkipped).toBe(stats.gitRangesSkipped);
      hits += got.hits.length;
    }

    expect(hits).toBeGreaterThan(10);
  });
});
