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
      return done(['npm'], pkg.name, pkg.version);
    case 'pypi':
      return done(['PyPI'], indexName('PyPI', pkg.name), pkg.version);
    case 'golang':
      return done(['Go'], pkg.name, pkg.version.replace(/^(go|v)(?=\d)/, ''));
    case 'maven':
      return done(['Maven'], mavenName(pkg), pkg.version);
    default:
      return { problem: `no advisory ecosystem for ${pkg.type} packages` };
  }
}

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
  if (release === undefined || release === '') {
    return { problem: `the image's ${os?.id ?? 'operating system'} release is unknown, so its `
      + 'advisories cannot be chosen' };
  }

  const major = release.split('.')[0] ?? release;
  const minor = release.split('.').slice(0, 2).join('.');
  const sourceName = pkg.source?.name;
  const name = sourceName ?? pkg.name;
  // Debian and Alpine advisories are written against source packages and source versions.
  const version = pkg.source?.version ?? pkg.version;
  const renamed = sourceName !== undefined && sourceName !== pkg.name ? sourceName : undefined;

  switch (pkg.ecosystem) {
    case 'Debian':
      return done([`Debian:${major}`], name, version, renamed);
    case 'Ubuntu':
      return done([`Ubuntu:${minor}:LTS`, `Ubuntu:${minor}`], name, version, renamed);
    case 'Alpine':
      return done([`Alpine:v${minor}`], name, version, renamed);
    case 'AlmaLinux':
    case 'Rocky Linux':
      return done([`${pkg.ecosystem}:${major}`], pkg.name, pkg.version);
    default:
      // Limitation: Red Hat's OSV data is keyed by CPE-like product streams that the
      // inventory does not know yet, so RHEL packages are not matched.
      return { problem: `no advisory data is keyed for ${pkg.ecosystem} packages` };
  }
}

/** The report group of a package: `os`, or the install tree, archive or lockfile it came from. */
export function targetOf(pkg: Package): string {
  return isOsPackage(pkg) ? 'os' : targetPath(pkg);
}
