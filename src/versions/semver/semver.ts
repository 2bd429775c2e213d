// npm's version ordering (SemVer 2.0.0 as implemented by the `semver` package npm itself uses):
// strict parsing, prereleases before the release, build metadata ignored for ordering.
import semver from 'semver';
import { VersionError } from '../errors.js';
import { parsedScheme } from '../parsed-scheme.js';

/**
 * Parses a version the way npm does without `loose`: an optional `v` prefix and
 * surrounding blanks are allowed, everything else must be SemVer 2.0.0.
 * @throws VersionError when the string is not a valid npm version.
 */
export function parseNpmVersion(version: string): semver.SemVer {
  const parsed = semver.parse(version, { loose: false });
  if (parsed === null) {
    throw new VersionError('semver', version, 'expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]');
  }

  return parsed;
}

export const semverScheme = parsedScheme({
  name: 'semver',
  parse: parseNpmVersion,
  compareParsed: (a, b) => a.compare(b),
});
