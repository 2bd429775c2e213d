// One interface for every ecosystem's version ordering. Each scheme lives in its own folder
// and is listed in registry.ts.

export interface VersionScheme {
  /** Scheme name: `dpkg`, `apk`, `rpm`, `semver`, `pep440`, `go`, `maven`. */
  readonly name: string;
  /** True when the string is a valid version in this scheme. */
  isValid(version: string): boolean;
  /**
   * Returns -1, 0 or 1 as `a` orders before, equal to, or after `b`.
   * @throws VersionError `INVALID_VERSION` when either string is not a valid version.
   */
  compare(a: string, b: string): -1 | 0 | 1;
}
