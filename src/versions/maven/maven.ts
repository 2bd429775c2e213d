// Maven versions ordered as maven-artifact's ComparableVersion (the rules every Maven build
// and most scanners use); see items.ts and parse.ts for the rules themselves.
import { VersionError } from '../errors.js';
import type { VersionScheme } from '../scheme.js';
import { compareItem, type ListItem } from './items.js';
import { MAX_MAVEN_VERSION_LENGTH, parseMavenVersion, UnparsableNumber } from './parse.js';

/**
 * The item tree of a version, as maven-artifact builds it.
 * @throws VersionError for strings longer than 256 characters and for the rare strings on
 * which maven-artifact itself fails (a number run that Java cannot parse).
 */
export function parseMaven(version: string): ListItem {
  if (version.length > MAX_MAVEN_VERSION_LENGTH) {
    const reason = `longer than ${MAX_MAVEN_VERSION_LENGTH} characters`;
    throw new VersionError('maven', version.slice(0, 40), reason);
  }

  try {
    return parseMavenVersion(version);
  } catch (err) {
    if (err instanceof UnparsableNumber) {
      throw new VersionError('maven', version, 'a number in it cannot be parsed', { cause: err });
    }

    throw err;
  }
}

function isValid(version: string): boolean {
  try {
    parseMaven(version);
    return true;
  } catch {
    return false;
  }
}

function compareMaven(a: string, b: string): -1 | 0 | 1 {
  const result = compareItem(parseMaven(a), parseMaven(b));
  return result < 0 ? -1 : result > 0 ? 1 : 0;
}

export const mavenScheme: VersionScheme = { name: 'maven', isValid, compare: compareMaven };
