// Alpine version ordering as apk-tools 3 (src/version.c) defines it: tokens compare pairwise
// while their kinds agree; numbers numerically (a dotted part with a leading zero compares as
// text, as Gentoo's rules say), suffixes by rank, commit hashes as text. When one version runs
// out first, a trailing pre-release suffix makes it older, any other trailing token newer.
import { VersionError } from '../errors.js';
import { parsedScheme } from '../parsed-scheme.js';
import { NO_SUFFIX, Token, tokenizeApkVersion, type VersionToken } from './tokens.js';

const MAX_LENGTH = 1024;

const sign = (n: number): -1 | 0 | 1 => (n < 0 ? -1 : n > 0 ? 1 : 0);

// Byte order, shorter first on a common prefix (apk_blob_sort).
const compareText = (a: string, b: string): -1 | 0 | 1 => (a < b ? -1 : a > b ? 1 : 0);

function compareNumbers(a: string, b: string): -1 | 0 | 1 {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  return x.length !== y.length ? sign(x.length - y.length) : compareText(x, y);
}

function compareTokens(a: VersionToken, b: VersionToken): -1 | 0 | 1 {
  switch (a.kind) {
    case Token.Digit:
      return a.text.startsWith('0') || b.text.startsWith('0')
        ? compareText(a.text, b.text)
        : compareNumbers(a.text, b.text);
    case Token.InitialDigit:
    case Token.SuffixNumber:
    case Token.Revision:
      return compareNumbers(a.text, b.text);
    case Token.Suffix:
      return sign(Number(a.text) - Number(b.text));
    default:
      return compareText(a.text, b.text);
  }
}

const isPreRelease = (t: VersionToken): boolean =>
  t.kind === Token.Suffix && Number(t.text) < NO_SUFFIX;

/**
 * apk's own comparison, for valid and invalid versions alike. With `fuzzy`, a version whose
 * leading tokens equal all of `b` matches it (apk's `~` operator: `3.6.9 ~ 3.6`).
 */
export function compareApkVersions(a: string, b: string, fuzzy = false): -1 | 0 | 1 {
  return compareApkTokens(tokenizeApkVersion(a), tokenizeApkVersion(b), fuzzy);
}

/** `compareApkVersions` of two versions already split by `tokenizeApkVersion`. */
function compareApkTokens(
  ta: readonly VersionToken[],
  tb: readonly VersionToken[],
  fuzzy: boolean,
): -1 | 0 | 1 {
  let i = 0;
  while (ta[i]?.kind === tb[i]?.kind && (ta[i]?.kind ?? Token.End) < Token.End) {
    const r = compareTokens(ta[i] as VersionToken, tb[i] as VersionToken);
    if (r !== 0) {
      return r;
    }

    i++;
  }

  const x = ta[i] as VersionToken;
  const y = tb[i] as VersionToken;
  if (x.kind === y.kind || (fuzzy && y.kind === Token.End)) {
    return 0;
  }

  if (isPreRelease(x)) return -1;
  if (isPreRelease(y)) return 1;
  return x.kind > y.kind ? -1 : 1;
}

/** True when apk-tools' apk_version_validate() accepts the string. */
export function isValidApkVersion(version: string): boolean {
  if (version.length > MAX_LENGTH) {
    return false;
  }

  const tokens = tokenizeApkVersion(version);
  return tokens[tokens.length - 1]?.kind === Token.End;
}

// The same test as isValidApkVersion, keeping the tokens it made.
function checkedTokens(version: string): VersionToken[] {
  const tokens = version.length > MAX_LENGTH ? [] : tokenizeApkVersion(version);
  if (tokens[tokens.length - 1]?.kind !== Token.End) {
    const form = 'expected digits{.digits}[letter][_suffix[N]]…[~hash][-rN]';
    throw new VersionError('apk', version, form);
  }

  return tokens;
}

export const apkScheme = parsedScheme({
  name: 'apk',
  parse: checkedTokens,
  compareParsed: (a, b) => compareApkTokens(a, b, false),
});
