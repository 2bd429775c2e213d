// Python package versions (PEP 440, as pypa/packaging's Version implements it) through
// @renovatebot/pep440: epochs, pre/post/dev releases, local labels and normalisation.
import { parse } from '@renovatebot/pep440';
import { VERSION_PATTERN } from '@renovatebot/pep440/lib/version.js';
import { VersionError } from '../errors.js';
import { parsedScheme } from '../parsed-scheme.js';
import { formatPep440, type ParsedPep440 } from './format.js';
import { compareKeys, pep440Key, type Pep440Key } from './order.js';
import { containsVersion } from './specifier.js';

// Limitation: the library holds release numbers as JavaScript numbers, so components above
// 2^53 (never seen on PyPI) lose precision where Python's integers would not.
const MAX_LENGTH = 256;

// packaging strips surrounding whitespace before matching; the library's `valid` does not.
const PADDED = new RegExp(`^\\s*${VERSION_PATTERN}\\s*$`, 'i');

function checked(version: string): string {
  if (version.length > MAX_LENGTH) {
    throw new VersionError('pep440', version.slice(0, 40), `longer than ${MAX_LENGTH} characters`);
  }

  if (parse(version, PADDED) === null) {
    throw new VersionError('pep440', version, 'not a PEP 440 version (e.g. 1.0, 2!1.0rc1.post2)');
  }

  return version.trim();
}

/**
 * The normalised form of a version, as `str(packaging.version.Version(v))` prints it.
 * @throws VersionError when the string is not a PEP 440 version.
 */
export function normalizePep440(version: string): string {
  return formatPep440(parse(checked(version)) as unknown as ParsedPep440);
}

/**
 * Whether `version` is inside a PEP 440 specifier set such as `>=1.0,!=1.3.*`, prereleases
 * included (OSV ranges name prereleases explicitly).
 * @throws VersionError when the version or the specifier is not valid PEP 440.
 */
export function satisfiesPep440(version: string, specifier: string): boolean {
  return containsVersion(checked(version), specifier);
}

function sortKey(version: string): Pep440Key {
  return pep440Key(parse(checked(version)) as unknown as ParsedPep440);
}

export const pep440Scheme = parsedScheme({
  name: 'pep440',
  parse: sortKey,
  compareParsed: (a, b) => {
    const diff = compareKeys(a, b);
    return diff < 0 ? -1 : diff > 0 ? 1 : 0;
  },
});
