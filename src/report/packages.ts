// One package order for every report, so that output does not depend on the order in which
// catalogers happened to finish.
import type { Package } from '../inventory/model.js';

const OS_TYPES: ReadonlySet<string> = new Set(['deb', 'apk', 'rpm']);

/** True for packages installed by the distribution's package manager. */
export function isOsPackage(pkg: Package): boolean {
  return OS_TYPES.has(pkg.type);
}

/** True for the main module of a Go binary (the Go cataloger sets `metadata.role`). */
export function isGoMainModule(pkg: Package): boolean {
  return pkg.type === 'golang' && pkg.metadata?.role === 'main';
}

function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }

  return a < b ? -1 : 1;
}

/** Orders by type, name, version, purl, then primary location: a total, locale-free order. */
export function comparePackages(a: Package, b: Package): number {
  return (
    compareText(a.type, b.type) ||
    compareText(a.name, b.name) ||
    compareText(a.version, b.version) ||
    compareText(a.purl, b.purl) ||
    compareText(a.locations[0]?.path ?? '', b.locations[0]?.path ?? '')
  );
}

/** Returns a sorted copy; the input is left as it was. */
export function sortPackages(packages: readonly Package[]): Package[] {
  return [...packages].sort(comparePackages);
}

/** Counts packages per type, in type order: `{ deb: 120, npm: 30 }`. */
export function countByType(packages: readonly Package[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const pkg of packages) {
    counts.set(pkg.type, (counts.get(pkg.type) ?? 0) + 1);
  }

  return [...counts.entries()].sort(([a], [b]) => compareText(a, b));
}
