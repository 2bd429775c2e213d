// PEP 440 specifier membership ("Version specifiers" in the PyPA spec) as pypa/packaging 26
// decides it with prereleases allowed. The specifier grammar is parsed by
// @renovatebot/pep440, but its own `satisfies` disagrees with packaging on wildcard padding
// (`2` is in `==2.0.*`), on `<`/`>` between prereleases and on local versions, so the
// operator rules are written here.
import { compare, parse } from '@renovatebot/pep440';
import { parse as parseConstraints } from '@renovatebot/pep440/lib/specifier.js';
import { VersionError } from '../errors.js';
import { formatPep440, formatPublic, type ParsedPep440 } from './format.js';

type Parsed = ParsedPep440;

const MAX_SPECIFIER_LENGTH = 1024;

const publicOf = formatPublic;
const asText = formatPep440;
const isPre = (p: Parsed): boolean => p.pre !== null || p.dev !== null;

/**
 * Whether `version` (already a valid PEP 440 version) is in every clause of `specifier`.
 * @throws VersionError when the specifier is not valid PEP 440.
 */
export function containsVersion(version: string, specifier: string): boolean {
  const constraints = specifier.length <= MAX_SPECIFIER_LENGTH ? parseConstraints(specifier) : null;
  const parsed = parse(version) as unknown as Parsed | null;
  if (constraints === null || parsed === null) {
    throw new VersionError('pep440', specifier, 'not a PEP 440 specifier (e.g. >=1.0,<2)');
  }

  return constraints.every((c) => matches(version, parsed, c.operator, c.version, c.prefix));
}

function matches(raw: string, v: Parsed, op: string, spec: string, prefix: string): boolean {
  if (op === '===') {
    return raw.toLowerCase() === spec.toLowerCase();
  }

  if (prefix !== '' && prefix !== undefined) {
    return (op === '==') === matchesPrefix(v, spec);
  }

  const s = parse(spec) as unknown as Parsed;
  switch (op) {
    case '==':
      return compare(s.local === null ? publicOf(v) : asText(v), spec) === 0;
    case '!=':
      return compare(s.local === null ? publicOf(v) : asText(v), spec) !== 0;
    case '<=':
      return compare(publicOf(v), spec) <= 0;
    case '>=':
      return compare(publicOf(v), spec) >= 0;
    case '<':
      return isBelow(v, s, spec);
    case '>':
      return isAbove(v, s, spec);
    default:
      return compare(publicOf(v), spec) >= 0 && matchesPrefix(v, compatiblePrefix(spec));
  }
}

// `<V` excludes prereleases of V itself unless V is a prerelease.
function isBelow(v: Parsed, s: Parsed, spec: string): boolean {
  if (compare(asText(v), spec) >= 0) {
    return false;
  }

  const earliest = asText({ ...s, dev: ['dev', 0], local: null });
  return isPre(s) || !isPre(v) || compare(asText(v), earliest) < 0;
}

// `>V` excludes post-releases of V (unless V is one) and local versions of V.
function isAbove(v: Parsed, s: Parsed, spec: string): boolean {
  if (compare(asText(v), spec) <= 0) {
    return false;
  }

  const postBase = asText({ ...v, post: null, dev: null, local: null });
  if (s.post === null && v.post !== null && compare(postBase, spec) === 0) {
    return false;
  }

  return v.local === null || compare(publicOf(v), spec) !== 0;
}

// `~=2.2.post3` is `>=2.2.post3, ==2.*`: drop suffixes, then the last release number.
function compatiblePrefix(spec: string): string {
  const parts = splitComponents(spec);
  const release = parts.slice(1).filter((part) => /^[0-9]+$/.test(part));
  return `${parts[0]}!${release.slice(0, -1).join('.')}`;
}

// Prefix matching: compare component lists after zero-padding the version's release
// to the length of the spec's release (so `2` is in `==2.0.*`), local label ignored.
function matchesPrefix(v: Parsed, spec: string): boolean {
  const parsedSpec = parse(spec) as unknown as Parsed | null;
  const wanted = splitComponents(parsedSpec === null ? spec : publicOf(parsedSpec));
  const have = splitComponents(publicOf(v));
  const numeric = (parts: string[]): number => {
    const n = parts.findIndex((part) => !/^[0-9]+$/.test(part));
    return n < 0 ? parts.length : n;
  };

  const padding = Math.max(0, numeric(wanted) - numeric(have));
  const padded = [
    ...have.slice(0, numeric(have)),
    ...Array<string>(padding).fill('0'),
    ...have.slice(numeric(have)),
  ];
  return wanted.every((part, i) => padded[i] === part);
}

// Epoch first, then dot-separated parts, with `1a1` split into `1`, `a1`.
function splitComponents(version: string): string[] {
  const bang = version.lastIndexOf('!');
  const epoch = bang < 0 ? '0' : version.slice(0, bang);
  const parts = version.slice(bang + 1).split('.').flatMap((item) => {
    const m = /^([0-9]+)((?:a|b|c|rc)[0-9]+)$/.exec(item);
    return m === null ? [item] : [m[1] ?? '', m[2] ?? ''];
  });
  return [epoch === '' ? '0' : epoch, ...parts];
}
