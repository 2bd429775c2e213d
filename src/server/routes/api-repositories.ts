// /api/v1/repositories: the repositories a caller may pull, with tag counts, and a repository's
// tags with their manifests. A repository name holds `/`, so in a path it is sent
// percent-encoded as one segment (`payments%2Fledger`), as GitLab's API does for project paths.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkName, projectOf } from '../../access/names.js';
import { checkRepositoryName } from '../../registry/names.js';
import { pageLimit, readQuery } from './api-http.js';
import { guarded, type ApiContext } from './api-guard.js';

interface RepositoryQuery {
  project?: string;
  cursor?: string;
  limit: number;
}

function repositoryQuery(request: FastifyRequest): RepositoryQuery {
  const query = readQuery(request, ['project', 'limit', 'cursor']);
  return { limit: pageLimit(query.limit),
    ...(query.project === undefined ? {} : { project: checkName('project', query.project) }),
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }) };
}

function nameOf(request: FastifyRequest): string {
  return (request.params as { name?: string }).name ?? '';
}

export function registerRepositoryRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/repositories', guarded(ctx, {
    name: 'repositories.list', validate: (request) => repositoryQuery(request),
    rule: (request) => {
      const { project } = repositoryQuery(request);
      return project === undefined ? { kind: 'signed-in' } : { kind: 'project', project };
    },
    run: ({ request, principal }) => {
      const { project, cursor, limit } = repositoryQuery(request);
      // Limitation: the listing filters every repository name in memory; fine for thousands.
      const candidates = ctx.registry.metadata.listRepositories().filter((name) =>
        (cursor === undefined || name > cursor)
        && (project === undefined || projectOf(name) === project));
      const visible = ctx.api.visibleRepositories(principal, candidates);
      const shown = visible.slice(0, limit);
      const counts = ctx.registry.metadata.tagCounts();
      return { body: {
        repositories: shown.map((name) => ({ name, project: projectOf(name),
          tags: counts.get(name) ?? 0 })),
        next: visible.length > limit ? shown.at(-1) ?? null : null,
      } };
    },
  }));

  app.get('/api/v1/repositories/:name/tags', guarded(ctx, {
    name: 'tags.list',
    validate: (request) => {
      checkRepositoryName(nameOf(request));
      readQuery(request, ['limit', 'cursor']);
    },
    rule: (request) => ({ kind: 'repository', repository: nameOf(request) }),
    run: ({ request }) => {
      const name = nameOf(request);
      const query = readQuery(request, ['limit', 'cursor']);
      const limit = pageLimit(query.limit);
      const records = ctx.registry.listTagRecords(name, { n: limit + 1,
        ...(query.cursor === undefined ? {} : { last: query.cursor }) });
      const shown = records.slice(0, limit);
      return { body: {
        name,
        tags: shown.map((t) => ({ tag: t.tag, digest: t.digest, mediaType: t.mediaType ?? null,
          size: t.size ?? null, pushedAt: new Date(t.pushedAt).toISOString() })),
        next: records.length > limit ? shown.at(-1)?.tag ?? null : null,
      } };
    },
  }));
}
