// Where to look a package up: the OSV ecosystem with the image's release, the name advisories
// use (Debian source, Alpine origin, PEP 503, Maven `group:artifact`), and the version in the
// form the data spells it (Go without `v`).
import { indexName } from '../advisories/ecosystem.js';
import type { OsRelease, Package } from '../inventory/model.js';
import { isOsPackage } from '../report/packages.js';
import { targetPath } from '../report/targets.js';

export interface Lookup {
  /** Ecosystems to query, most specific first (`Ubuntu:22.04:LTS`, `Ubuntu:22.04`). */
  ecosystems: string[];
  name: string;
  version: string;
  /** Set when advisories name the package differently from the inventory. */
  advisoryName?: string;
}

export type LookupOutcome = { lookup: Lookup } | { problem: string };

const osTypes = new Set(['deb', 'apk', 'rpm']);

/** Describes how to look `pkg` up, or why it cannot be. */
export function lookupFor(pkg: Package, os: OsRelease | undefined): LookupOutcome {
  if (osTypes.has(pkg.type)) {
    return distroLookup(pkg, os);
  }

  switch (pkg.type) {
    case 'npm':
      return done(npmOnly, pkg.name, pkg.version);
    case 'pypi':
      return done(pypiOnly, indexName('PyPI', pkg.name), pkg.version);
    case 'golang':
      return done(goOnly, pkg.name, pkg.version.replace(/^(go|v)(?=\d)/, ''));
    case 'maven':
      return done(mavenOnly, mavenName(pkg), pkg.version);
    default:
      return { problem: `no advisory ecosystem for ${pkg.type} packages` };
  }
}

// Look-ups share their lists of ecosystems, which nothing changes: an inventory's packages
// mostly name a few, and making a list per package cost a tenth of matching a held one.
const npmOnly = ['npm'];
const pypiOnly = ['PyPI'];
const goOnly = ['Go'];
const mavenOnly = ['Maven'];

function done(ecosystems: string[], name: string, version: string, source?: string): LookupOutcome {
  const lookup: Lookup = { ecosystems, name, version };
  if (source !== undefined) {
    lookup.advisoryName = source;
  }

  return { lookup };
}

function mavenName(pkg: Package): string {
  if (pkg.name.includes(':')) {
    return pkg.name;
  }

  const group = pkg.metadata?.groupId ?? pkg.metadata?.group;
  return group === undefined ? pkg.name : `${group}:${pkg.name}`;
}

// Rolling apk distributions: OSV names them without a release.
const rolling = new Set(['Wolfi', 'Chainguard']);

function distroLookup(pkg: Package, os: OsRelease | undefined): LookupOutcome {
  if (rolling.has(pkg.ecosystem)) {
    const origin = pkg.source?.name;
    return done([pkg.ecosystem], origin ?? pkg.name, pkg.version,
      origin !== undefined && origin !== pkg.name ? origin : undefined);
  }

  const release = os?.versionId;
  if (os === undefined || release === undefined || release === '') {
    return { problem: `the image's ${os?.id ?? 'operating system'} release is unknown, so its `
      + 'advisories cannot be chosen' };
  }

  const ecosystems = releaseEcosystems(os, pkg.ecosystem, release);
  if (ecosystems === undefined) {
    // Limitation: Red Hat's OSV data is keyed by CPE-like product streams that the
    // inventory does not know yet, so RHEL packages are not matched.
    return { problem: `no advisory data is keyed for ${pkg.ecosystem} packages` };
  }

  if (pkg.ecosystem === 'AlmaLinux' || pkg.ecosystem === 'Rocky Linux') {
    return done(ecosystems, pkg.name, pkg.version);
  }

  const sourceName = pkg.source?.name;
  const name = sourceName ?? pkg.name;
  // Debian and Alpine advisories are written against source packages and source versions.
  const version = pkg.source?.version ?? pkg.version;
  const renamed = sourceName !== undefined && sourceName !== pkg.name ? sourceName : undefined;
  return done(ecosystems, name, version, renamed);
}

// Each OS release's lists of ecosystems, made once per release object and distribution.
const released = new WeakMap<OsRelease, Map<string, { release: string; lists?: string[] }>>();

/** The ecosystems to query for `ecosystem` packages of `release`; undefined when none. */
function releaseEcosystems(os: OsRelease, ecosystem: string, release: string):
  string[] | undefined {
  let byEcosystem = released.get(os);
  if (byEcosystem === undefined) {
    byEcosystem = new Map();
    released.set(os, byEcosystem);
  }

  const kept = byEcosystem.get(ecosystem);
  if (kept !== undefined && kept.release === release) {
    return kept.lists;
  }

  const major = release.split('.')[0] ?? release;
  const minor = release.split('.').slice(0, 2).join('.');
  const lists = ecosystem === 'Debian' ? [`Debian:${major}`]
    : ecosystem === 'Ubuntu' ? [`Ubuntu:${minor}:LTS`, `Ubuntu:${minor}`]
      : ecosystem === 'Alpine' ? [`Alpine:v${minor}`]
        : ecosystem === 'AlmaLinux' || ecosystem === 'Rocky Linux' ? [`${ecosystem}:${major}`]
          : undefined;
  byEcosystem.set(ecosystem, lists === undefined ? { release } : { release, lists });
  return lists;
}

/** The report group of a package: `os`, or the install tree, archive or lockfile it came from. */
export function targetOf(pkg: Package): string {
  return isOsPackage(pkg) ? 'os' : targetPath(pkg);
}
