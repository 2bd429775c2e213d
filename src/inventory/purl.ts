// Builds package-urls through packageurl-js so that every type's encoding rules (scoped npm
// names, golang module paths, qualifier order) follow the purl specification.
import { PackageURL } from 'packageurl-js';

export interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers?: Record<string, string | undefined>;
}

/** Returns the canonical purl string; empty qualifier values are left out. */
export function buildPurl(parts: PurlParts): string {
  const qualifiers: Record<string, string> = {};
  for (const [key, value] of Object.entries(parts.qualifiers ?? {})) {
    if (value !== undefined && value !== '') {
      qualifiers[key] = value;
    }
  }

  const hasQualifiers = Object.keys(qualifiers).length > 0;
  return new PackageURL(
    parts.type,
    parts.namespace,
    parts.name,
    parts.version,
    hasQualifiers ? qualifiers : undefined,
    undefined,
  ).toString();
}
