// RPM `[epoch:]version[-release]` strings: split as rpm's parseEVR() (lib/rpmds.c) does and
// ordered as rpm.labelCompare() orders (epoch, version, release) triples.
import { VersionError } from '../errors.js';
import { parsedScheme } from '../parsed-scheme.js';
import { rpmvercmp } from './rpmvercmp.js';

export interface RpmEvr {
  /** Absent when the string names none; labelCompare then uses `0`. */
  epoch?: string;
  version: string;
  /** Absent when there is no `-`; an absent release sorts before any release. */
  release?: string;
}

const MAX_LENGTH = 1024;
// rpmbuild's allowed characters for Version and Release (build/parsePreamble.c).
const VALID = /^(?:[0-9]*:)?[A-Za-z0-9._+%{}~^]+(?:-[A-Za-z0-9._+%{}~^]+)?$/;

/** Splits like parseEVR: epoch = leading digits before `:`, release = after the last `-`. */
export function parseRpmEvr(evr: string): RpmEvr {
  const digits = /^[0-9]*/.exec(evr)?.[0] ?? '';
  const hasEpoch = evr[digits.length] === ':';
  const rest = hasEpoch ? evr.slice(digits.length + 1) : evr;
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const parsed: RpmEvr = { version };
  if (hasEpoch) {
    parsed.epoch = digits === '' ? '0' : digits;
  }

  if (hyphen >= 0) {
    parsed.release = rest.slice(hyphen + 1);
  }

  return parsed;
}

// labelCompare's compare_values(): a missing field sorts before a present one.
function compareField(a: string | undefined, b: string | undefined): -1 | 0 | 1 {
  if (a === undefined || b === undefined) {
    return a === b ? 0 : a === undefined ? -1 : 1;
  }

  return rpmvercmp(a, b);
}

/** Orders two parsed EVRs as rpm.labelCompare(): epoch (missing = 0), version, release. */
export function compareRpmEvr(a: RpmEvr, b: RpmEvr): -1 | 0 | 1 {
  return (
    compareField(a.epoch ?? '0', b.epoch ?? '0') ||
    compareField(a.version, b.version) ||
    compareField(a.release, b.release)
  );
}

/** True for an EVR whose fields use only the characters rpmbuild accepts. */
export function isValidRpmEvr(evr: string): boolean {
  return evr.length <= MAX_LENGTH && VALID.test(evr);
}

function checked(evr: string): RpmEvr {
  if (!isValidRpmEvr(evr)) {
    const form = 'expected [epoch:]version[-release] using letters, digits and ._+%{}~^';
    throw new VersionError('rpm', evr.slice(0, MAX_LENGTH), form);
  }

  return parseRpmEvr(evr);
}

export const rpmScheme = parsedScheme({
  name: 'rpm',
  parse: checked,
  compareParsed: compareRpmEvr,
});
