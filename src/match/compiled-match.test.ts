import { describe, expect, it } from 'vitest';
import type { OsvAffected } from '../advisories/osv.js';
import type { AffectedRow } from '../advisories/store.js';
import { getScheme } from '../versions/registry.js';
import type { VersionScheme } from '../versions/scheme.js';
import { matchCompiledLookup } from './compiled-match.js';
import { compileRows, type CompiledName } from './compiled-rows.js';
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
    // Reopened at 2.0 and closed just after: a fixed version on the last place it covers.
    { id: 'D', entry: { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' },
      { fixed: '2.0' }, { introduced: '2.0' }, { last_affected: '2.0' }] }] }, list: [],
    indexed: true },
  ];
  return made.map(({ id, entry, list, indexed }) => {
    const all = [...list, ...entry.versions ?? []];
    const row: AffectedRow = { advisoryId: id, ecosystem: 'Debian:12', entry,
      listsVersion: (v) => all.includes(v) };
    return indexed ? { ...row, listedVersions: () => all } : row;
  });
}

const dpkg: RangeSchemes = { ecosystem: getScheme('dpkg') as VersionScheme };

const versions = ['0.5', '1.0', '1.1', '1.5', '1.7', '2.0', '2.2', '3.0', '3.5', '4.0', 'odd!'];

/** Checks matchCompiledLookup against matchLookup for each version; the hits counted. */
function sameAsLookup(ecosystems: string[], source: (ecosystem: string) => AffectedRow[]):
  number {
  const compiled = new Map(ecosystems.map((e) => [e, compileRows(source(e), dpkg)]));
  const schemesOf = (e: string) => (e === 'Nowhere' ? undefined : dpkg);
  let hits = 0;
  for (const version of versions) {
    const lookup = { ecosystems, name: 'p', version };
    const stats = { gitRangesSkipped: 0 };
    const matched: number[] = [];
    const want = matchLookup(lookup, source, schemesOf, stats, matched);
    const got = matchCompiledLookup(lookup, (e) => compiled.get(e) as CompiledName, schemesOf);
    expect({ hits: got.hits, problem: got.problem }, version).toEqual(want);
    expect(got.rowsHit, version).toEqual(matched);
    expect(got.gitRangesSkipped).toBe(stats.gitRangesSkipped);
    hits += got.hits.length;
  }

  return hits;
}

describe('matchCompiledLookup', () => {
  it('gives the hits, positions and skipped ranges of matchLookup, listed or not', () => {
    const source = rows();
    expect(sameAsLookup(['Debian:12'], () => source)).toBeGreaterThan(10);
    expect(sameAsLookup(['Debian:12', 'Nowhere'], () => source)).toBeGreaterThan(10);
  });

  it('gives the same hits for ranges of every shape, ties and repeats included', () => {
    // A small deterministic generator, so a failure names a case that can be run again.
    let state = 11;
    const next = (n: number) => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state % n;
    };
    const pool = ['1.0', '2.0', '3.0'];
    const kinds = ['introduced', 'fixed', 'last_affected', 'limit'] as const;
    const random = (): AffectedRow[] => Array.from({ length: 6 }, (_r, i) => {
      const events = Array.from({ length: 1 + next(5) }, () =>
        ({ [kinds[next(4)] as string]: pool[next(pool.length)] }));
      const entry: OsvAffected = { ranges: [{ type: 'ECOSYSTEM',
        events: next(2) === 0 ? [{ introduced: '0' }, ...events] : events }] };
      const listed = i === 0 ? ['2.2'] : [];
      return { advisoryId: `X-${next(4)}`, ecosystem: 'Debian:12', entry,
        listsVersion: (v) => listed.includes(v), listedVersions: () => listed };
    });
    let hits = 0;
    for (let run = 0; run < 500; run += 1) {
      const source = random();
      hits += sameAsLookup(['Debian:12'], () => source);
    }

    expect(hits).toBeGreaterThan(1_000);
  });

  it('merges the hits of one advisory across rows and ecosystems, in first-hit order', () => {
    // The same advisories in both ecosystems, as Ubuntu's LTS and plain releases have them.
    const both = (ecosystem: string) => rows().map((row) => ({ ...row, ecosystem }));
    expect(sameAsLookup(['Ubuntu:22.04:LTS', 'Ubuntu:22.04'], both)).toBeGreaterThan(10);
    const merged = matchCompiledLookup({ ecosystems: ['Ubuntu:22.04:LTS', 'Ubuntu:22.04'],
      name: 'p', version: '1.1' }, (e) => compileRows(both(e), dpkg), () => dpkg);
    expect(merged.hits.map((hit) => [hit.advisoryId, hit.entries.length]))
      .toEqual([['A', 2], ['C', 2], ['D', 2]]);
  });
});
