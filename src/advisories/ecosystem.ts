// OSV ecosystem strings (`Debian:12`, `Alpine:v3.19`, `PyPI`) and the package-name rules each
// ecosystem applies, shared by the importer's index and the matcher's look-ups.

/** Splits `Debian:12` into `Debian` and `12`; `npm` has no release. */
export function splitEcosystem(ecosystem: string): { base: string; release?: string } {
  const colon = ecosystem.indexOf(':');
  if (colon < 0) {
    return { base: ecosystem };
  }

  return { base: ecosystem.slice(0, colon), release: ecosystem.slice(colon + 1) };
}

/**
 * The name under which a package is indexed: PyPI names are compared after PEP 503
 * normalisation (lower case, runs of `-`, `_`, `.` become one `-`); every other ecosystem
 * compares names exactly (npm scopes, Maven `group:artifact` and Go module paths included).
 */
export function indexName(ecosystem: string, name: string): string {
  if (splitEcosystem(ecosystem).base === 'PyPI') {
    return name.toLowerCase().replace(/[-_.]+/g, '-');
  }

  return name;
}
