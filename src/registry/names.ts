// Repository names, tags and digests as the distribution spec defines them ("Pulling
// manifests": name and reference grammars). The grammar alone excludes path traversal: no
// `..`, no `%`, no leading or doubled `/`.
import { isDigest } from '../image/digest.js';
import { RegistryError } from './errors.js';

const NAME_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** Docker clients and distribution cap a repository name at 255 characters. */
export const MAX_NAME_LENGTH = 255;

/**
 * Checks a repository name.
 * @throws RegistryError NAME_INVALID.
 */
export function checkRepositoryName(name: string): string {
  if (name.length > MAX_NAME_LENGTH || !NAME.test(name)) {
    throw new RegistryError(
      'NAME_INVALID',
      400,
      `invalid repository name "${name.slice(0, 80)}": use lower-case path components ` +
        `separated by "/" (at most ${MAX_NAME_LENGTH} characters)`,
    );
  }

  return name;
}

/** True for a tag as the spec allows it: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`. */
export function isTag(reference: string): boolean {
  return TAG.test(reference);
}

export type Reference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: string };

/**
 * Parses a manifest reference: a digest when it contains ":", a tag otherwise.
 * @throws RegistryError DIGEST_INVALID or TAG_INVALID.
 */
export function parseManifestReference(reference: string): Reference {
  if (reference.includes(':')) {
    return { kind: 'digest', digest: checkDigest(reference) };
  }

  if (!isTag(reference)) {
    throw new RegistryError(
      'TAG_INVALID',
      400,
      `invalid tag "${reference.slice(0, 80)}": use letters, digits, "_", "." and "-" ` +
        '(at most 128 characters, not starting with "." or "-")',
    );
  }

  return { kind: 'tag', tag: reference };
}

/**
 * Checks a digest string.
 * @throws RegistryError DIGEST_INVALID.
 */
export function checkDigest(digest: string): string {
  if (!isDigest(digest)) {
    throw new RegistryError(
      'DIGEST_INVALID',
      400,
      `invalid digest "${digest.slice(0, 80)}": use sha256:<64 hex> or sha512:<128 hex>`,
    );
  }

  return digest;
}
