// A map keyed by what a look-up asks for (ecosystems, name, version), nested so that finding a
// key hashes the package's own short strings instead of building a composite key per package.
import type { Lookup } from './target.js';

// No OSV ecosystem name holds a NUL, so joined lists cannot collide with one another.
function ecosystemsKey(lookup: Lookup): string {
  return lookup.ecosystems.length === 1
    ? lookup.ecosystems[0] as string
    : lookup.ecosystems.join('\u0000');
}

export class LookupMap<V> {
  private readonly byEcosystems = new Map<string, Map<string, Map<string, V>>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(lookup: Lookup): V | undefined {
    return this.byEcosystems.get(ecosystemsKey(lookup))?.get(lookup.name)?.get(lookup.version);
  }

  set(lookup: Lookup, value: V): void {
    const key = ecosystemsKey(lookup);
    let byName = this.byEcosystems.get(key);
    if (byName === undefined) {
      byName = new Map();
      this.byEcosystems.set(key, byName);
    }

    let byVersion = byName.get(lookup.name);
    if (byVersion === undefined) {
      byVersion = new Map();
      byName.set(lookup.name, byVersion);
    }

    if (!byVersion.has(lookup.version)) {
      this.count += 1;
    }

    byVersion.set(lookup.version, value);
  }

  clear(): void {
    this.byEcosystems.clear();
    this.count = 0;
  }
}
