// Go module versions (golang.org/x/mod/semver): `v`-prefixed SemVer where `v1` and `v1.2`
// abbreviate `v1.0.0` and `v1.2.0`, pseudo-versions order as the prereleases they are, and
// build metadata such as `+incompatible` is ignored. OSV's Go ranges omit the `v`, so it is
// optional here. Go toolchain versions (`go1.21.3`, `go1.22rc1`, as binaries record for the
// standard library) are mapped to SemVer the way the Go vulnerability database does
// (golang.org/x/vuln GoTagToSemver): `go1.21` → 1.21.0, `go1.22rc1` → 1.22.0-rc.1.
import semver from 'semver';
import { VersionError } from '../errors.js';
import { parsedScheme } from '../parsed-scheme.js';

// Limitation: ordering goes through the npm semver package, which rejects numeric parts above
// 2^53 - 1 that golang.org/x/mod/semver would accept; such versions are reported invalid.
const MAX_LENGTH = 256;
const TOOLCHAIN = /^(\d+)\.(\d+)(?:\.(\d+))?(?:(alpha|beta|rc)(\d+))?$/;
const SHORTHAND = /^(\d+)(?:\.(\d+))?$/;
const SEMVER_CHARS = /^[0-9][0-9A-Za-z.+-]*$/;

/**
 * Returns the SemVer string (no `v`) that a Go module or toolchain version orders as.
 * @throws VersionError when the string is neither.
 */
export function goVersionToSemver(version: string): string {
  return parseGoVersion(version).version;
}

/**
 * The parsed SemVer that a Go module or toolchain version orders as.
 * @throws VersionError when the string is neither.
 */
function parseGoVersion(version: string): semver.SemVer {
  if (version.length > MAX_LENGTH) {
    throw new VersionError('go', version.slice(0, 40), `longer than ${MAX_LENGTH} characters`);
  }

  const goTag = version.startsWith('go');
  const normalized = goTag ? toolchainToSemver(version) : moduleToSemver(version);
  const parsed = normalized !== undefined && SEMVER_CHARS.test(normalized)
    ? semver.parse(normalized, { loose: false })
    : null;
  if (parsed === null) {
    throw new VersionError('go', version, 'expected vMAJOR.MINOR.PATCH[-PRE][+BUILD] or go1.N[.P]');
  }

  return parsed;
}

// A toolchain version may carry a suffix after a blank, e.g. `go1.22.0 X:boringcrypto`.
function toolchainToSemver(version: string): string | undefined {
  const tag = version.slice(2).split(/\s/, 1)[0] ?? '';
  if (tag === '1') {
    return '1.0.0';
  }

  const m = TOOLCHAIN.exec(tag);
  if (m === null || tag === '1.0') {
    return undefined;
  }

  const [, major, minor, patch = '0', kind, number] = m;
  const base = `${major}.${minor}.${patch}`;
  return kind === undefined ? base : `${base}-${kind}.${number}`;
}

function moduleToSemver(version: string): string | undefined {
  const bare = version.startsWith('v') ? version.slice(1) : version;
  const short = SHORTHAND.exec(bare);
  if (short !== null) {
    return `${short[1]}.${short[2] ?? '0'}.0`;
  }

  // Go release tags written without `go`, as OSV's stdlib entries and go.mod `go` lines do.
  const toolchain = TOOLCHAIN.exec(bare);
  if (toolchain?.[4] !== undefined) {
    return toolchainToSemver(`go${bare}`);
  }

  return bare;
}

// Build metadata (`+incompatible`) plays no part: SemVer#compare ignores it.
export const goScheme = parsedScheme({
  name: 'go',
  parse: parseGoVersion,
  compareParsed: (a, b) => a.compare(b),
});
