// Every version scheme Moat knows, listed once, and the OSV ecosystem names that use each.
import { apkScheme } from './apk/compare.js';
import { dpkgScheme } from './dpkg/compare.js';
import { goScheme } from './go/go.js';
import { mavenScheme } from './maven/maven.js';
import { pep440Scheme } from './pep440/pep440.js';
import { rpmScheme } from './rpm/evr.js';
import type { VersionScheme } from './scheme.js';
import { semverScheme } from './semver/semver.js';

const schemes: ReadonlyMap<string, VersionScheme> = new Map(
  [dpkgScheme, apkScheme, rpmScheme, semverScheme, pep440Scheme, goScheme, mavenScheme].map(
    (scheme) => [scheme.name, scheme],
  ),
);

// OSV ecosystem names (https://ossf.github.io/osv-schema/#affectedpackage-field), spelled
// exactly as OSV does; a release suffix such as `Debian:12` is removed before lookup.
const ecosystems: ReadonlyMap<string, string> = new Map([
  ['Debian', 'dpkg'],
  ['Ubuntu', 'dpkg'],
  ['Alpine', 'apk'],
  ['Wolfi', 'apk'],
  ['Chainguard', 'apk'],
  ['Red Hat', 'rpm'],
  ['AlmaLinux', 'rpm'],
  ['Rocky Linux', 'rpm'],
  ['openSUSE', 'rpm'],
  ['SUSE', 'rpm'],
  ['Mageia', 'rpm'],
  ['npm', 'semver'],
  ['PyPI', 'pep440'],
  ['Go', 'go'],
  ['Maven', 'maven'],
]);

/**
 * Finds a scheme by its name (`dpkg`, lower case) or by an OSV ecosystem (`Debian:12`, exact
 * OSV spelling). Returns undefined for anything else.
 */
export function getScheme(nameOrEcosystem: string): VersionScheme | undefined {
  const direct = schemes.get(nameOrEcosystem);
  if (direct !== undefined) {
    return direct;
  }

  const colon = nameOrEcosystem.indexOf(':');
  const ecosystem = colon >= 0 ? nameOrEcosystem.slice(0, colon) : nameOrEcosystem;
  const name = ecosystems.get(ecosystem);
  return name === undefined ? undefined : schemes.get(name);
}

/** The names of every registered scheme, in a stable order. */
export function schemeNames(): string[] {
  return [...schemes.keys()];
}

/** The OSV ecosystem names that map to a scheme. */
export function ecosystemNames(): string[] {
  return [...ecosystems.keys()];
}
