// Test-only: a seeded generator so differential tests draw the same pairs on every run.

export interface Random {
  /** A whole number in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
}

/** mulberry32: small, fast, and plenty for picking test inputs. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const random: Random = {
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[random.int(items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
  };
  return random;
}

/**
 * `count` pairs from `make`: half unrelated, half a version and a small variation of it
 * (`vary`), because near pairs are where orderings disagree.
 */
export function makePairs(
  random: Random,
  count: number,
  make: () => string,
  vary: (version: string) => string,
): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const a = make();
    const b = random.chance(0.5) ? make() : vary(a);
    pairs.push(random.chance(0.5) ? [a, b] : [b, a]);
  }

  return pairs;
}
