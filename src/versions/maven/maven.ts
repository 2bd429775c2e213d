// Maven versions ordered as maven-artifact's ComparableVersion (the rules every Maven build
// and most scanners use); see items.ts and parse.ts for the rules themselves.
import { VersionError } from '../errors.js';
import { parsedScheme } from '../parsed-scheme.js';
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

function compareMaven(a: ListItem, b: ListItem): -1 | 0 | 1 {
  const result = compareItem(a, b);
  return result < 0 ? -1 : result > 0 ? 1 : 0;
}

export const mavenScheme = parsedScheme({
  name: 'maven',
  parse: parseMaven,
  compareParsed: compareMaven,
});
