// A version scheme built from a parser and an ordering of parsed forms: each string is parsed
// once and its parsed form (or its VersionError) kept in a bounded cache, because matching
// compares the same few thousand versions against each other hundreds of thousands of times.
import { VersionError } from './errors.js';
import type { VersionScheme } from './scheme.js';

/** Parsed forms each scheme keeps; past it the cache is emptied and refilled. */
export const MAX_PARSED_VERSIONS = 50_000;

// Longer strings are parsed every time: a cache keyed by them would hold too much text.
const MAX_CACHED_LENGTH = 256;

export interface ParsedSchemeSpec<P> {
  name: string;
  /**
   * The parsed form the ordering reads; never changed after it is returned.
   * @throws VersionError when the string is not a valid version.
   */
  parse: (version: string) => P;
  /** Orders two parsed forms exactly as the scheme orders their strings. */
  compareParsed: (a: P, b: P) => -1 | 0 | 1;
}

/** What `parse` gave for one string: its parsed form, or the error it threw. */
type Parsed<P> = { ok: true; value: P } | { ok: false; error: VersionError };

/** A scheme whose `compare` and `isValid` read each string's parsed form from a cache. */
export interface ParsedScheme<P> extends VersionScheme {
  /**
   * The parsed form of `version`, cached.
   * @throws VersionError when the string is not a valid version.
   */
  parse(version: string): P;
  /** Orders two results of `parse` as `compare` orders their strings. */
  compareParsed(a: P, b: P): -1 | 0 | 1;
  /** How many parsed forms are held now; at most `limit`. */
  readonly cached: number;
  /**
   * The same scheme with its own, empty cache of at most `limit` forms (0: none).
   * @throws RangeError when `limit` is negative or not an integer.
   */
  withLimit(limit: number): ParsedScheme<P>;
}

/**
 * Makes a scheme from `spec` that keeps at most `limit` parsed forms.
 * @throws RangeError when `limit` is negative or not an integer.
 */
export function parsedScheme<P>(
  spec: ParsedSchemeSpec<P>,
  limit = MAX_PARSED_VERSIONS,
): ParsedScheme<P> {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`parsed-version cache limit must be a whole number, got ${limit}`);
  }

  const cache = new Map<string, Parsed<P>>();
  const lookUp = (version: string): Parsed<P> => {
    const kept = cache.get(version);
    if (kept !== undefined) {
      return kept;
    }

    const made = attempt(spec.parse, version);
    if (limit > 0 && version.length <= MAX_CACHED_LENGTH) {
      // Emptied rather than evicted one by one: refilling costs one parse per string, and
      // a plain Map keeps each look-up a single hash probe.
      if (cache.size >= limit) {
        cache.clear();
      }

      cache.set(version, made);
    }

    return made;
  };
  const parse = (version: string): P => {
    const made = lookUp(version);
    if (!made.ok) {
      throw made.error;
    }

    return made.value;
  };

  return {
    name: spec.name,
    isValid: (version) => lookUp(version).ok,
    compare: (a, b) => spec.compareParsed(parse(a), parse(b)),
    parse,
    compareParsed: spec.compareParsed,
    get cached() {
      return cache.size;
    },
    withLimit: (other) => parsedScheme(spec, other),
  };
}

// Only a VersionError means "not a version"; anything else is a fault and is not kept.
function attempt<P>(parse: (version: string) => P, version: string): Parsed<P> {
  try {
    return { ok: true, value: parse(version) };
  } catch (err) {
    if (err instanceof VersionError) {
      return { ok: false, error: err };
    }

    throw err;
  }
}
