// Splits an Alpine package version into apk-tools' tokens. Grammar (apk-tools 3 version.c):
// digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}. Hand-written: no npm library follows
// apk-tools' tokenizer, validity rules or ordering.

/** Token kinds in the order apk ranks them when one version runs out before the other. */
export enum Token {
  InitialDigit,
  Digit,
  Letter,
  Suffix,
  SuffixNumber,
  CommitHash,
  Revision,
  End,
  Invalid,
}

// Known suffixes, ranked; an empty suffix sits between the pre-release and post-release ones.
const SUFFIXES = ['alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'];
export const NO_SUFFIX = SUFFIXES.indexOf('');

export interface VersionToken {
  kind: Token;
  /** The token's text: digits, letter, hash, or the suffix's rank as a string. */
  text: string;
}

const DIGITS = /^[0-9]+/;
const LOWER = /^[a-z]+/;
const HEX = /^[0-9a-f]+/;

/** Every token of a version, ending with an `End` or `Invalid` token. */
export function tokenizeApkVersion(version: string): VersionToken[] {
  const first = DIGITS.exec(version)?.[0];
  if (first === undefined) {
    return [{ kind: Token.Invalid, text: '' }];
  }

  const tokens: VersionToken[] = [{ kind: Token.InitialDigit, text: first }];
  let rest = version.slice(first.length);
  for (;;) {
    const previous = tokens[tokens.length - 1]?.kind ?? Token.InitialDigit;
    const next = nextToken(previous, rest);
    tokens.push(next.token);
    if (next.token.kind === Token.End || next.token.kind === Token.Invalid) {
      return tokens;
    }

    rest = rest.slice(next.length);
  }
}

function nextToken(previous: Token, rest: string): { token: VersionToken; length: number } {
  const invalid = { token: { kind: Token.Invalid, text: '' }, length: 0 };
  const make = (kind: Token, text: string, length: number) => ({ token: { kind, text }, length });
  if (rest === '') {
    return make(Token.End, '', 0);
  }

  const c = rest[0] ?? '';
  if (c >= 'a' && c <= 'z') {
    return previous > Token.Digit ? invalid : make(Token.Letter, c, 1);
  }

  if (c === '.') {
    const digits = DIGITS.exec(rest.slice(1))?.[0];
    return previous > Token.Digit || digits === undefined
      ? invalid
      : make(Token.Digit, digits, digits.length + 1);
  }

  if (c === '_') {
    const name = LOWER.exec(rest.slice(1))?.[0] ?? '';
    const rank = name === '' ? -1 : SUFFIXES.indexOf(name);
    return previous > Token.SuffixNumber || rank < 0
      ? invalid
      : make(Token.Suffix, String(rank), name.length + 1);
  }

  if (c === '~') {
    const hash = HEX.exec(rest.slice(1))?.[0];
    return previous >= Token.CommitHash || hash === undefined
      ? invalid
      : make(Token.CommitHash, hash, hash.length + 1);
  }

  if (c === '-') {
    const digits = rest.startsWith('-r') ? DIGITS.exec(rest.slice(2))?.[0] : undefined;
    return previous >= Token.Revision || digits === undefined
      ? invalid
      : make(Token.Revision, digits, digits.length + 2);
  }

  const digits = DIGITS.exec(rest)?.[0];
  return previous === Token.Suffix && digits !== undefined
    ? make(Token.SuffixNumber, digits, digits.length)
    : invalid;
}
