// Maps a raw `/v2/…` path to the API endpoint it names (distribution-spec "Endpoints"). The
// repository part is matched on the undecoded path, so `%2e%2e` stays invalid.
import { checkRepositoryName } from '../registry/names.js';
import { RegistryError } from '../registry/errors.js';

export type Endpoint =
  | { area: 'base' }
  | { area: 'catalog' }
  | { area: 'uploads'; name: string; id?: string }
  | { area: 'blobs'; name: string; digest: string }
  | { area: 'manifests'; name: string; reference: string }
  | { area: 'tags'; name: string }
  | { area: 'referrers'; name: string; digest: string };

const PATTERNS: [RegExp, (m: RegExpExecArray) => Endpoint][] = [
  [/^(.+)\/blobs\/uploads\/?$/, (m) => ({ area: 'uploads', name: m[1] ?? '' })],
  [/^(.+)\/blobs\/uploads\/([^/]+)$/, (m) => ({ area: 'uploads', name: m[1] ?? '',
    id: decode(m[2]) })],
  [/^(.+)\/blobs\/([^/]+)$/, (m) => ({ area: 'blobs', name: m[1] ?? '', digest: decode(m[2]) })],
  [/^(.+)\/manifests\/([^/]+)$/, (m) => ({ area: 'manifests', name: m[1] ?? '',
    reference: decode(m[2]) })],
  [/^(.+)\/tags\/list$/, (m) => ({ area: 'tags', name: m[1] ?? '' })],
  [/^(.+)\/referrers\/([^/]+)$/, (m) => ({ area: 'referrers', name: m[1] ?? '',
    digest: decode(m[2]) })],
];

/**
 * The endpoint for `url` (path and query as received), or undefined when none matches.
 * @throws RegistryError NAME_INVALID for a malformed repository name.
 */
export function matchEndpoint(url: string): Endpoint | undefined {
  const path = url.split('?')[0] ?? '';
  if (path === '/v2/' || path === '/v2') {
    return { area: 'base' };
  }

  const rest = path.slice('/v2/'.length);
  if (rest === '_catalog') {
    return { area: 'catalog' };
  }

  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(rest);
    if (match !== null) {
      const endpoint = build(match);
      if ('name' in endpoint) {
        checkRepositoryName(endpoint.name);
      }

      return endpoint;
    }
  }

  return undefined;
}

function decode(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    throw new RegistryError('NAME_INVALID', 400, 'the path has a malformed percent-encoding');
  }
}
