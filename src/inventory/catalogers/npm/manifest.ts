// Reads the fields Moat needs from an installed package's package.json
// (https://docs.npmjs.com/cli/configuring-npm/package-json).

export interface NpmManifest {
  name: string;
  version: string;
  licenses: string[];
}

// npm's rules: at most 214 characters, lower-case URL-safe, optionally `@scope/`.
const NAME = /^(?:@[a-z0-9][\w.-]*\/)?[\w.-][\w.~-]*$/i;

/** True for a syntactically valid npm package name. */
export function isNpmName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 214 && NAME.test(name);
}

/**
 * Parses package.json text; undefined when it is not an installed package (no name or
 * version). Throws SyntaxError on invalid JSON.
 */
export function parseNpmManifest(text: string): NpmManifest | undefined {
  const doc: unknown = JSON.parse(text);
  if (!isRecord(doc) || !isNpmName(doc.name) || typeof doc.version !== 'string') {
    return undefined;
  }

  const version = doc.version.trim();
  if (version === '' || /\s/.test(version)) {
    return undefined;
  }

  return { name: doc.name, version, licenses: licensesOf(doc) };
}

/** License from `license` (a string or the legacy `{type}`) or the legacy `licenses[]`. */
export function licensesOf(doc: Record<string, unknown>): string[] {
  const single = licenseName(doc.license);
  if (single !== undefined) {
    return [single];
  }

  if (!Array.isArray(doc.licenses)) {
    return [];
  }

  return doc.licenses
    .slice(0, 20)
    .map(licenseName)
    .filter((l): l is string => l !== undefined);
}

function licenseName(value: unknown): string | undefined {
  const name = isRecord(value) ? value.type : value;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
