// Content discovery (distribution-spec "Listing Tags", "Listing Referrers") and the
// repository catalog, filtered to what the caller may pull.
import { MediaType } from '../../image/media-types.js';
import { RegistryError } from '../../registry/errors.js';
import { checkDigest } from '../../registry/names.js';
import { queryParam } from '../http.js';
import type { Handler } from './context.js';

/** The most entries one page returns, whatever `n` asks for. */
export const MAX_PAGE = 1000;
/**
 * Referrers per page when `n` is not given: an index of this many descriptors stays well below
 * the 4 MiB clients accept for a manifest, even with annotations.
 */
export const REFERRERS_PAGE = 256;

type TagsEndpoint = { area: 'tags'; name: string };
type ReferrersEndpoint = { area: 'referrers'; name: string; digest: string };

export const handleTags: Handler<TagsEndpoint> = async (ctx, endpoint, request, reply) => {
  onlyGet(request.method);
  const { n, last } = page(request);
  const tags = ctx.registry.listTags(endpoint.name, { n: n + 1, ...(last ? { last } : {}) });
  const shown = tags.slice(0, n);
  if (tags.length > n && shown.length > 0) {
    reply.header('Link', nextLink(`/v2/${endpoint.name}/tags/list`, n, shown.at(-1) ?? ''));
  }

  return reply.type('application/json').send({ name: endpoint.name, tags: shown });
};

export const handleCatalog: Handler<{ area: 'catalog' }> = async (ctx, _e, request, reply) => {
  onlyGet(request.method);
  const { n, last } = page(request);
  const all = ctx.registry.metadata.listRepositories()
    .filter((r) => last === undefined || r > last);
  const visible = await ctx.policy.visibleRepositories(request.headers.authorization, all);
  const shown = visible.slice(0, n);
  if (visible.length > n && shown.length > 0) {
    reply.header('Link', nextLink('/v2/_catalog', n, shown.at(-1) ?? ''));
  }

  return reply.type('application/json').send({ repositories: shown });
};

// A larger index is paged with `Link: <…>; rel="next"` (distribution-spec v1.1 "Listing
// Referrers"); the link's `n` and `last` (the last digest shown) are Moat's, opaque to clients.
export const handleReferrers: Handler<ReferrersEndpoint> = async (ctx, endpoint, request,
  reply) => {
  onlyGet(request.method);
  const subject = checkDigest(endpoint.digest);
  const artifactType = queryParam(request, 'artifactType');
  const { n, last } = page(request, REFERRERS_PAGE);
  // Limitation: every referrer of the subject is read from the database for each page; the
  // page is cut here. Fine for hundreds of signatures and attestations per image.
  let records = ctx.registry.referrers(endpoint.name, subject);
  if (artifactType !== undefined) {
    records = records.filter((record) => record.artifactType === artifactType);
    reply.header('OCI-Filters-Applied', 'artifactType');
  }

  const after = last === undefined ? records : records.filter((r) => r.digest > last);
  const shown = after.slice(0, n);
  if (after.length > n && shown.length > 0) {
    const filter = artifactType === undefined ? ''
      : `&artifactType=${encodeURIComponent(artifactType)}`;
    reply.header('Link', `<${nextUrl(`/v2/${endpoint.name}/referrers/${subject}`, n,
      shown.at(-1)?.digest ?? '')}${filter}>; rel="next"`);
  }

  const manifests = shown.map((record) => ({
    mediaType: record.mediaType,
    digest: record.digest,
    size: record.size,
    ...(record.artifactType === undefined ? {} : { artifactType: record.artifactType }),
    ...(record.annotations === undefined ? {} : { annotations: record.annotations }),
  }));
  return reply
    .type(MediaType.ociIndex)
    .send({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests });
};

function page(request: Parameters<Handler<TagsEndpoint>>[2], size = MAX_PAGE):
  { n: number; last?: string } {
  const nParam = queryParam(request, 'n');
  const n = nParam === undefined ? size : Number(nParam);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RegistryError('UNSUPPORTED', 400, 'n must be a non-negative integer');
  }

  const last = queryParam(request, 'last');
  return { n: Math.min(n, MAX_PAGE), ...(last === undefined ? {} : { last }) };
}

function nextLink(path: string, n: number, last: string): string {
  return `<${nextUrl(path, n, last)}>; rel="next"`;
}

function nextUrl(path: string, n: number, last: string): string {
  return `${path}?n=${n}&last=${encodeURIComponent(last)}`;
}

function onlyGet(method: string): void {
  if (method !== 'GET' && method !== 'HEAD') {
    throw new RegistryError('UNSUPPORTED', 405, `${method} is not allowed here`);
  }
}
