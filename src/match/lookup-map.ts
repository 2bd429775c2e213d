// A map keyed by what a look-up asks for (ecosystems, name, version), nested so that finding a
// key hashes the package's own short strings instead of building a composite key per package.
// Most names are asked for at one version, so a name's first version is held inline and a
// map of versions is made only for a second one: a Map per name cost more than the look-up.
import type { Lookup } from './target.js';

// No OSV ecosystem name holds a NUL, so joined lists cannot collide with one another.
function ecosystemsKey(lookup: Lookup): string {
  return lookup.ecosystems.length === 1
    ? lookup.ecosystems[0] as string
    : lookup.ecosystems.join('\u0000');
}

/** One name's values: its first version's inline, any others' in `more`. */
interface Versions<V> {
  version: string;
  value: V;
  more: Map<string, V> | undefined;
}

export class LookupMap<V> {
  private readonly byEcosystems = new Map<string, Map<string, Versions<V>>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(lookup: Lookup): V | undefined {
    const held = this.byEcosystems.get(ecosystemsKey(lookup))?.get(lookup.name);
    if (held === undefined) {
      return undefined;
    }

    return held.version === lookup.version ? held.value : held.more?.get(lookup.version);
  }

  set(lookup: Lookup, value: V): void {
    this.put(lookup, value, true);
  }

  /** The value kept for `lookup`; when there is none, `value`, kept from now on. */
  keep(lookup: Lookup, value: V): V {
    return this.put(lookup, value, false);
  }

  // Sets the value (or, unless `replace`, keeps one already there) in one walk of the maps.
  private put(lookup: Lookup, value: V, replace: boolean): V {
    const key = ecosystemsKey(lookup);
    let byName = this.byEcosystems.get(key);
    if (byName === undefined) {
      byName = new Map();
      this.byEcosystems.set(key, byName);
    }

    const { name, version } = lookup;
    const held = byName.get(name);
    if (held === undefined) {
      byName.set(name, { version, value, more: undefined });
      this.count += 1;
      return value;
    }

    if (held.version === version) {
      if (replace) {
        held.value = value;
      }

      return held.value;
    }

    held.more ??= new Map();
    const kept = held.more.get(version);
    if (kept !== undefined && !replace) {
      return kept;
    }

    if (!held.more.has(version)) {
      this.count += 1;
    }

    held.more.set(version, value);
    return value;
  }

  clear(): void {
    this.byEcosystems.clear();
    this.count = 0;
  }
}
