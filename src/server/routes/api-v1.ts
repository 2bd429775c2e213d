// The JSON API under /api/v1/ (docs/api.md): who am I, projects, users, the audit log, and the
// account changes an admin may make. Every route goes through `guarded`: authenticate with the
// registry's credentials, decide, audit, then answer.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditRow } from '../../access/audit-chain.js';
import { checkName } from '../../access/names.js';
import { isRole, ROLES, type Role } from '../../access/roles.js';
import { ApiProblem, pageLimit, readJsonObject, readQuery, sendApiError } from './api-http.js';
import { guarded, type ApiContext } from './api-guard.js';
import { registerRepositoryRoutes } from './api-repositories.js';

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function registerApiV1(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/me', guarded(ctx, {
    name: 'me', validate: (request) => readQuery(request, []), rule: () => ({ kind: 'signed-in' }),
    run: ({ principal, via }) => ({ body: { subject: principal.subject, kind: principal.kind,
      admin: principal.admin, grants: principal.grants, authenticatedWith: via } }),
  }));

  registerProjectRoutes(app, ctx);
  registerRepositoryRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  app.route({ method: [...ALL_METHODS], url: '/api/v1/*', handler: (request, reply) =>
    sendApiError(reply, 404, 'NOT_FOUND', `no API endpoint ${request.method} `
      + `${request.url.split('?')[0]?.slice(0, 200) ?? ''}: see docs/api.md`) });
}

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string | undefined>)[name] ?? '';
}

function registerProjectRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/projects', guarded(ctx, {
    name: 'projects.list', validate: (request) => readQuery(request, []),
    rule: () => ({ kind: 'signed-in' }),
    run: ({ principal }) => ({ body: { projects: ctx.api.visibleProjects(principal) } }),
  }));

  app.get('/api/v1/projects/:project', guarded(ctx, {
    name: 'projects.get', validate: (request) => readQuery(request, []),
    rule: (request) => ({ kind: 'project', project: param(request, 'project') }),
    run: ({ request, principal }) => {
      const name = param(request, 'project');
      const project = ctx.api.visibleProjects(principal).find((p) => p.name === name);
      if (project === undefined) {
        throw new ApiProblem(404, 'NOT_FOUND', `project ${name} does not exist`);
      }

      // Limitation: counting walks every repository name; fine for thousands, not millions.
      const repositories = ctx.registry.metadata.listRepositories()
        .filter((r) => r.startsWith(`${name}/`) || r === name).length;
      return { body: { ...project, repositories,
        ...(principal.admin ? { members: ctx.api.members(name) } : {}) } };
    },
  }));

  app.post('/api/v1/projects', guarded(ctx, {
    name: 'projects.create', validate: (request) => readQuery(request, []),
    rule: () => ({ kind: 'admin' }),
    run: async ({ request, principal }) => {
      const body = await readJsonObject(request);
      onlyFields(body, ['name', 'public']);
      const name = stringField(body, 'name');
      if (body.public !== undefined && typeof body.public !== 'boolean') {
        throw new ApiProblem(400, 'INVALID_BODY', 'public must be true or false');
      }

      const isPublic = body.public === true;
      ctx.api.createProject(`api:${principal.subject ?? ''}`, name, isPublic);
      return { status: 201, body: { name, public: isPublic } };
    },
  }));

  app.post('/api/v1/projects/:project/grants', guarded(ctx, {
    name: 'grants.create', validate: (request) => readQuery(request, []),
    rule: () => ({ kind: 'admin' }),
    run: async ({ request, principal }) => {
      const body = await readJsonObject(request);
      onlyFields(body, ['user', 'role']);
      const grant = { user: checkName('user', stringField(body, 'user')),
        role: roleOf(stringField(body, 'role')), project: param(request, 'project') };
      ctx.api.grant(`api:${principal.subject ?? ''}`, grant);
      return { status: 201, body: grant };
    },
  }));

  app.delete('/api/v1/projects/:project/grants/:user/:role', guarded(ctx, {
    name: 'grants.delete', validate: (request) => readQuery(request, []),
    rule: () => ({ kind: 'admin' }),
    run: ({ request, principal }) => {
      ctx.api.revoke(`api:${principal.subject ?? ''}`, { user: param(request, 'user'),
        role: roleOf(param(request, 'role')), project: param(request, 'project') });
      return { status: 204 };
    },
  }));
}

function registerAdminRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/users', guarded(ctx, {
    name: 'users.list', validate: (request) => readQuery(request, []),
    rule: () => ({ kind: 'admin' }),
    run: () => ({ body: { users: ctx.api.users(), robots: ctx.api.robots() } }),
  }));

  app.get('/api/v1/audit-log', guarded(ctx, {
    name: 'audit.read', validate: (request) => auditFilter(request),
    rule: () => ({ kind: 'admin' }),
    run: ({ request }) => {
      const filter = auditFilter(request);
      const rows = ctx.api.auditPage({ ...filter, limit: filter.limit + 1 });
      const shown = rows.slice(0, filter.limit);
      const next = rows.length > filter.limit ? String(shown.at(-1)?.id ?? '') : null;
      return { body: { entries: shown.map(entryOf), next } };
    },
  }));

  app.get('/api/v1/audit-log/verify', guarded(ctx, {
    name: 'audit.verify', validate: (request) => readQuery(request, []),
    rule: () => ({ kind: 'admin' }),
    run: () => ({ body: ctx.api.verifyAudit() }),
  }));
}

function auditFilter(request: FastifyRequest):
  { afterId?: number; since?: string; subject?: string; limit: number } {
  const query = readQuery(request, ['since', 'limit', 'actor', 'cursor']);
  const { cursor, since, actor } = query;
  if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) {
    throw new ApiProblem(400, 'INVALID_PARAMETER', 'cursor must be the next value of the '
      + 'previous page');
  }

  const when = since === undefined ? undefined : parseSince(since);
  return { limit: pageLimit(query.limit),
    ...(cursor === undefined ? {} : { afterId: Number(cursor) }),
    ...(when === undefined ? {} : { since: when }),
    ...(actor === undefined ? {} : { subject: actor }) };
}

function parseSince(text: string): string {
  const iso = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
  const when = iso.test(text) ? new Date(text.length === 10 ? `${text}T00:00:00Z` : text)
    : undefined;
  if (when === undefined || Number.isNaN(when.getTime())) {
    throw new ApiProblem(400, 'INVALID_PARAMETER', 'since must be an ISO date or time, e.g. '
      + '2026-12-01 or 2026-12-01T08:00:00Z');
  }

  return when.toISOString();
}

/** An audit row as the API shows it (absent fields are null, as the hash chain sees them). */
function entryOf(row: AuditRow): Record<string, unknown> {
  return { id: row.id, at: row.at, event: row.event, subject: row.subject ?? null,
    remoteAddress: row.remoteAddress ?? null, actions: row.actions,
    repository: row.repository ?? null, digest: row.digest ?? null, decision: row.decision,
    status: row.status, reason: row.reason, prevHash: row.prevHash, hash: row.hash };
}

function onlyFields(body: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(body).find((key) => !allowed.includes(key));
  if (extra !== undefined) {
    throw new ApiProblem(400, 'INVALID_BODY', `unknown field ${extra.slice(0, 40)}: use `
      + allowed.join(', '));
  }
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') {
    throw new ApiProblem(400, 'INVALID_BODY', `${name} must be a non-empty string`);
  }

  return value;
}

function roleOf(text: string): Role {
  if (!isRole(text)) {
    throw new ApiProblem(400, 'INVALID_BODY', `role must be one of ${ROLES.join(', ')}`);
  }

  return text;
}
