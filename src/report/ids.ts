// Stable, unique identifiers for packages inside one document (CycloneDX bom-refs, SPDXIDs).
// An id depends only on the package itself, never on its position, unless two packages are
// identical in every field that names them.
import { createHash } from 'node:crypto';
import type { Package } from '../inventory/model.js';

/** Eight hex digits of SHA-256: a short, stable tag for disambiguating ids. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

function locationKey(pkg: Package): string {
  return pkg.locations.map((l) => l.path).join('\n');
}

/**
 * One id per package, in input order. `base` names a package; packages that share a base get
 * `disambiguate(base, hash-of-locations)`, and packages that still collide a counter.
 */
export function assignIds(
  packages: readonly Package[],
  base: (pkg: Package) => string,
  disambiguate: (id: string, tag: string) => string,
): string[] {
  const bases = packages.map(base);
  const counts = new Map<string, number>();
  for (const id of bases) {
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }

  const used = new Set<string>();
  return packages.map((pkg, i) => {
    const id = bases[i] as string;
    let candidate = (counts.get(id) ?? 0) > 1 ? disambiguate(id, shortHash(locationKey(pkg))) : id;
    for (let n = 2; used.has(candidate); n += 1) {
      candidate = disambiguate(id, `${shortHash(locationKey(pkg))}-${n}`);
    }

    used.add(candidate);
    return candidate;
  });
}
