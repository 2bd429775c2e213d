// Groups packages by where they were found, the way a reader thinks of an image: the OS
// packages, then each lockfile, node_modules tree, site-packages directory, binary or archive.
import type { Package } from '../inventory/model.js';
import { comparePackages, isOsPackage } from './packages.js';

export interface Target {
  /** `OS packages`, or the path that holds the group: `/app/package-lock.json`. */
  title: string;
  /** True for the OS package group, which is listed first. */
  os: boolean;
  packages: Package[];
}

// Directories whose every package belongs to one install tree.
const TREES = ['/node_modules/', '/site-packages/', '/dist-packages/'];
// Catalogers write archive members as `outer.war:WEB-INF/lib/x.jar`; the outer file is the target.
const NESTED = /^(.+?\.(?:jar|war|ear|par|sar|jpi|hpi|nar|kar|zip)):/i;

/** The path that names a package's group: the install tree, outer archive or file. */
export function targetPath(pkg: Package): string {
  const path = pkg.locations[0]?.path;
  if (path === undefined) {
    return '(no location)';
  }

  const nested = NESTED.exec(path);
  if (nested !== null) {
    return nested[1] as string;
  }

  for (const tree of TREES) {
    const at = path.indexOf(tree);
    if (at >= 0) {
      return path.slice(0, at + tree.length - 1);
    }
  }

  return path;
}

/** Packages grouped by target: OS packages first, then by path; packages sorted within. */
export function groupByTarget(packages: readonly Package[]): Target[] {
  const groups = new Map<string, Target>();
  for (const pkg of packages) {
    const os = isOsPackage(pkg);
    const title = os ? 'OS packages' : targetPath(pkg);
    const key = os ? '' : `/${title}`;
    const group = groups.get(key) ?? { title, os, packages: [] };
    group.packages.push(pkg);
    groups.set(key, group);
  }

  const keys = [...groups.keys()].sort();
  return keys.map((key) => {
    const group = groups.get(key) as Target;
    return { ...group, packages: group.packages.sort(comparePackages) };
  });
}
