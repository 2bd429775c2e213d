// The version schemes of one matching call, made once per ecosystem rather than per package.
// Each remembers the strings it has already found unreadable: a bad installed version is
// compared against every event of every advisory of its package, and building a VersionError
// (with its stack) each time cost more than the comparisons themselves. A parsed scheme keeps
// that error itself, so only other schemes get this memo.
import type { VersionScheme } from '../versions/scheme.js';
import { isParsed, lenientSemver, type RangeSchemes } from './range.js';

/** Thrown instead of the scheme's own error for a string already known to be unreadable. */
const known = new Error('version already found unreadable');

export function rememberInvalid(scheme: VersionScheme): VersionScheme {
  const invalid = new Set<string>();
  return {
    name: scheme.name,
    isValid: (v) => !invalid.has(v) && scheme.isValid(v),
    compare: (a, b) => {
      if (invalid.has(a) || invalid.has(b)) {
        throw known;
      }

      try {
        return scheme.compare(a, b);
      } catch (err) {
        for (const v of [a, b]) {
          if (!scheme.isValid(v)) {
            invalid.add(v);
          }
        }

        throw err;
      }
    },
  };
}

/** `scheme` itself when it keeps its parsed forms and errors; else `rememberInvalid` of it. */
// Limitation: a parsed scheme re-parses strings over 256 characters, so an unreadable one
// that long builds its error on each comparison; no real package version is that long.
// Limitation: a caller's scheme without parsed forms is wrapped anew on every call, so a held
// AdvisoryMatcher compiles its rows again each time: correct, only slower. Every registered
// scheme keeps parsed forms.
function withMemo(scheme: VersionScheme): VersionScheme {
  return isParsed(scheme) ? scheme : rememberInvalid(scheme);
}

/** Range schemes by OSV ecosystem for one call; undefined for an ecosystem with no scheme. */
export function callSchemes(
  schemeFor: (ecosystemOrName: string) => VersionScheme | undefined,
): (ecosystem: string) => RangeSchemes | undefined {
  const semver = schemeFor('semver');
  const lenient = semver === undefined ? undefined : withMemo(lenientSemver(semver));
  const made = new Map<string, RangeSchemes | undefined>();
  return (ecosystem) => {
    if (!made.has(ecosystem)) {
      const scheme = schemeFor(ecosystem);
      made.set(ecosystem, scheme === undefined ? undefined : {
        ecosystem: withMemo(scheme),
        ...(lenient === undefined ? {} : { semver: lenient }),
      });
    }

    return made.get(ecosystem);
  };
}
