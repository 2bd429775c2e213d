// Debian version ordering, Debian Policy §5.6.12 and dpkg's verrevcmp() (lib/dpkg/version.c):
// alternate non-digit and digit runs; in non-digit runs `~` sorts before everything (even the
// end), then the end, then letters, then other characters; digit runs compare numerically.
import { parsedScheme } from '../parsed-scheme.js';
import { parseDebianVersion, type DebianVersion } from './parse.js';

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const TILDE = 126;

const isNonDigit = (s: string, i: number): boolean => i < s.length && !isDigit(s.charCodeAt(i));

// Weight of one character in a non-digit run; 0 is both "end of string" and "a digit".
function order(c: number): number {
  if (Number.isNaN(c) || isDigit(c)) {
    return 0;
  }

  if (isAlpha(c)) {
    return c;
  }

  return c === TILDE ? -1 : c + 256;
}

/** Compares two upstream versions or two revisions with dpkg's verrevcmp(). */
export function compareVersionPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (isNonDigit(a, i) || isNonDigit(b, j)) {
      const diff = order(a.charCodeAt(i)) - order(b.charCodeAt(j));
      if (diff !== 0) {
        return diff;
      }

      i++;
      j++;
    }

    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;

    let firstDiff = 0;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      firstDiff ||= a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }

    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }

  return 0;
}

/** Orders two parsed Debian versions: epoch, then upstream, then revision. */
export function compareDebianVersions(a: DebianVersion, b: DebianVersion): -1 | 0 | 1 {
  const diff =
    a.epoch - b.epoch ||
    compareVersionPart(a.upstream, b.upstream) ||
    compareVersionPart(a.revision, b.revision);

  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

export const dpkgScheme = parsedScheme({
  name: 'dpkg',
  parse: parseDebianVersion,
  compareParsed: compareDebianVersions,
});
