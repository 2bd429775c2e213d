// Splits a Debian version into epoch, upstream version and revision the way dpkg's
// parseversion() does (lib/dpkg/parsehelp.c; Debian Policy §5.6.12). Hand-written: no npm
// library follows dpkg's parser and ordering exactly.
import { VersionError } from '../errors.js';

export interface DebianVersion {
  epoch: number;
  upstream: string;
  revision: string;
  /** What dpkg would print as "bad syntax" while still comparing the version. */
  warning?: string;
}

const MAX_EPOCH = 2 ** 31 - 1;
const UPSTREAM_CHARS = /^[0-9A-Za-z.+~:-]*$/;
const REVISION_CHARS = /^[0-9A-Za-z.+~]*$/;

/**
 * Parses `[epoch:]upstream[-revision]`. Surrounding blanks are ignored, as dpkg does. Like
 * `dpkg --compare-versions`, a version with only a syntax warning (no leading digit, a stray
 * character) is still accepted and ordered; the warning is returned with it.
 * @throws VersionError for what dpkg treats as an error (empty parts, bad epoch, spaces).
 */
export function parseDebianVersion(input: string): DebianVersion {
  const fail = (reason: string): never => {
    throw new VersionError('dpkg', input, reason);
  };

  const text = input.replace(/^[ \t]+|[ \t]+$/g, '');
  if (text === '') {
    return fail('version string is empty');
  }

  if (/[ \t]/.test(text)) {
    return fail('version string has embedded spaces');
  }

  let epoch = 0;
  let rest = text;
  const colon = text.indexOf(':');
  if (colon >= 0) {
    epoch = parseEpoch(text.slice(0, colon), fail);
    rest = text.slice(colon + 1);
    if (rest === '') {
      return fail('nothing after colon in version number');
    }
  }

  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (hyphen >= 0 && revision === '') {
    return fail('revision number is empty');
  }

  if (upstream === '') {
    return fail('upstream version is empty');
  }

  const warning = syntaxWarning(upstream, revision);
  const version = { epoch, upstream, revision };
  return warning === undefined ? version : { ...version, warning };
}

function syntaxWarning(upstream: string, revision: string): string | undefined {
  if (!/^[0-9]/.test(upstream)) {
    return 'version number does not start with digit';
  }

  if (!UPSTREAM_CHARS.test(upstream)) {
    return 'invalid character in version number';
  }

  if (!REVISION_CHARS.test(revision)) {
    return 'invalid character in revision number';
  }

  return undefined;
}

// dpkg reads the epoch with strtol: optional sign, digits, nothing else before the colon.
function parseEpoch(text: string, fail: (reason: string) => never): number {
  if (text === '') {
    return fail('epoch in version is empty');
  }

  if (!/^[+-]?[0-9]+$/.test(text)) {
    return fail('epoch in version is not number');
  }

  const epoch = Number(text);
  if (epoch < 0) {
    return fail('epoch in version is negative');
  }

  if (epoch > MAX_EPOCH) {
    return fail('epoch in version is too big');
  }

  return epoch;
}
