import { describe, expect, it } from 'vitest';
import { LookupMap } from './lookup-map.js';
import type { Lookup } from './target.js';

const at = (name: string, version: string, ecosystems = ['npm']): Lookup =>
  ({ ecosystems, name, version });

describe('LookupMap', () => {
  it('tells apart versions, names and ecosystem lists, counting each key once', () => {
    const map = new LookupMap<number>();
    map.set(at('a', '1'), 1);
    map.set(at('a', '2'), 2);
    map.set(at('a', '3'), 3);
    map.set(at('b', '1'), 4);
    map.set(at('a', '1', ['Ubuntu:22.04:LTS', 'Ubuntu:22.04']), 5);
    map.set(at('a', '2'), 6);
    map.set(at('a', '1'), 7);
    expect(map.size).toBe(5);
    expect([at('a', '1'), at('a', '2'), at('a', '3'), at('b', '1'), at('b', '2'), at('c', '1')]
      .map((lookup) => map.get(lookup))).toEqual([7, 6, 3, 4, undefined, undefined]);
    expect(map.get(at('a', '1', ['Ubuntu:22.04:LTS', 'Ubuntu:22.04']))).toBe(5);
    expect(map.get(at('a', '1', ['Ubuntu:22.04:LTS']))).toBeUndefined();

    // `keep` leaves a kept value as it is and keeps a new one, counting it.
    expect([map.keep(at('a', '1'), 8), map.keep(at('a', '3'), 9), map.keep(at('a', '4'), 10),
      map.keep(at('d', '1'), 11)]).toEqual([7, 3, 10, 11]);
    expect([map.get(at('a', '4')), map.get(at('d', '1')), map.size]).toEqual([10, 11, 7]);

    map.clear();
    expect(map.size).toBe(0);
    expect(map.get(at('a', '2'))).toBeUndefined();
  });
});
