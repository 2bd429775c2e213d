// Parses `WWW-Authenticate` challenges (RFC 9110 §11.6.1) as registries send them: Bearer with
// realm/service/scope (Docker token spec) or Basic. Several challenges may share one header.

export interface Challenge {
  /** Lower-case scheme: `bearer`, `basic`, … */
  scheme: string;
  /** Auth parameters with lower-case names. */
  params: Record<string, string>;
}

const MAX_HEADER_LENGTH = 16 * 1024;
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/** Parses every challenge in a header value; malformed trailing text is ignored. */
export function parseChallenges(header: string): Challenge[] {
  const text = header.slice(0, MAX_HEADER_LENGTH);
  const challenges: Challenge[] = [];
  let pos = 0;
  let current: Challenge | undefined;

  while (pos < text.length) {
    pos = skip(text, pos, /[\s,]/);
    const name = TOKEN_RE.exec(text.slice(pos))?.[0];
    if (name === undefined) {
      break;
    }

    const afterName = skip(text, pos + name.length, /\s/);
    if (text[afterName] !== '=' || current === undefined || isSchemeStart(text, pos, name)) {
      current = { scheme: name.toLowerCase(), params: {} };
      challenges.push(current);
      pos += name.length;
      continue;
    }

    const value = readValue(text, skip(text, afterName + 1, /\s/));
    current.params[name.toLowerCase()] = value.value;
    pos = value.end;
  }

  return challenges;
}

/** The first challenge of a scheme, if the registry offered it. */
export function findChallenge(challenges: Challenge[], scheme: string): Challenge | undefined {
  return challenges.find((c) => c.scheme === scheme);
}

// A scheme token is followed by whitespace and then a param or token68, never by '='. This
// tells `Basic realm="x"` (new challenge) from `realm="x"` (parameter of the current one).
function isSchemeStart(text: string, pos: number, name: string): boolean {
  const next = text[pos + name.length];
  return next !== undefined && /\s/.test(next) && text[skip(text, pos + name.length, /\s/)] !== '=';
}

function readValue(text: string, pos: number): { value: string; end: number } {
  if (text[pos] !== '"') {
    const raw = /^[^,\s]*/.exec(text.slice(pos))?.[0] ?? '';
    return { value: raw, end: pos + raw.length };
  }

  let value = '';
  let i = pos + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\' && i + 1 < text.length) {
      i += 1;
    }

    value += text[i];
    i += 1;
  }

  return { value, end: i + 1 };
}

function skip(text: string, pos: number, pattern: RegExp): number {
  let i = pos;
  while (i < text.length && pattern.test(text[i] ?? '')) {
    i += 1;
  }

  return i;
}
