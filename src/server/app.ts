// Assembles the Moat server: the OCI registry under /v2/ (with project policies), the token
// endpoint, /api/health and the JSON API under /api/v1/.
// Bodies are never parsed by fastify: uploads stream from the raw request and manifests are
// read with a size limit in their handler.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ApiAccess } from '../access/api-access.js';
import type { AccessPolicy, TokenEndpoint } from '../access/policy.js';
import type { Logger } from '../log.js';
import { RegistryError, errorBody } from '../registry/errors.js';
import type { Registry } from '../registry/registry.js';
import { actionsFor, authorize, sendDenied } from './access.js';
import { sendError } from './http.js';
import type { PolicyEnforcer } from './policy/enforcer.js';
import { rememberDecision } from './policy/request-caller.js';
import { registerPolicyApi } from './routes/policy-api.js';
import { registerApiV1 } from './routes/api-v1.js';
import { handleTokenForm } from './routes/token-form.js';
import { matchEndpoint, type Endpoint } from './route-match.js';
import { handleBlob } from './routes/blobs.js';
import type { RouteContext } from './routes/context.js';
import { handleCatalog, handleReferrers, handleTags } from './routes/discovery.js';
import { handleManifest } from './routes/manifests.js';
import { handleUpload } from './routes/uploads.js';

export interface AppOptions {
  registry: Registry;
  policy: AccessPolicy;
  /** The Docker token endpoint, mounted at GET and POST /token when given. */
  tokens?: TokenEndpoint;
  /** The access side of the JSON API, mounted under /api/v1/ when given. */
  api?: ApiAccess;
  /** Project policies enforced on pushes and pulls; none enforced when absent. */
  enforcer?: PolicyEnforcer;
  logger: Logger;
  /** Proxies trusted for X-Forwarded-For (fastify `trustProxy`); none by default. */
  trustProxy?: false | string;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    trustProxy: options.trustProxy ?? false,
    // Pushes of large layers may take long, but a connection idle this long is dropped.
    connectionTimeout: 5 * 60 * 1000,
  }) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  app.setErrorHandler((err, request, reply) => replyError(err, request, reply));
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send(errorBody('UNSUPPORTED', 'no such endpoint')));

  const ctx: RouteContext = { registry: options.registry, policy: options.policy,
    ...(options.enforcer === undefined ? {} : { enforcer: options.enforcer }) };
  app.route({ method: [...METHODS], url: '/v2/*', handler: (req, rep) => dispatch(ctx, req, rep) });
  app.route({ method: [...METHODS], url: '/v2', handler: (req, rep) => dispatch(ctx, req, rep) });
  app.get('/api/health', async () => ({ status: 'ok' }));
  const tokens = options.tokens;
  if (tokens !== undefined) {
    app.get('/token', async (request, reply) => {
      const result = await tokens.handle(request.query as Record<string, string>,
        request.headers.authorization, request.ip);
      return reply.code(result.status).headers(result.headers ?? {}).send(result.body);
    });
    app.post('/token', async (request, reply) => handleTokenForm(tokens, request, reply));
  }

  if (options.api !== undefined) {
    registerApiV1(app, { api: options.api, registry: options.registry });
  }

  if (options.enforcer !== undefined) {
    registerPolicyApi(app, { registry: options.registry, policy: options.policy,
      enforcer: options.enforcer });
  }

  return app;
}

async function dispatch(ctx: RouteContext, request: FastifyRequest,
  reply: FastifyReply): Promise<FastifyReply> {
  const endpoint = matchEndpoint(request.url);
  if (endpoint === undefined) {
    return reply.code(404).send(errorBody('NAME_UNKNOWN', 'no such registry endpoint'));
  }

  const decision = await authorize(ctx.policy, request, endpoint,
    actionsFor(endpoint, request.method));
  if (!decision.allowed) {
    return sendDenied(reply, decision);
  }

  rememberDecision(request, decision);
  reply.header('Docker-Distribution-API-Version', 'registry/2.0');
  return route(ctx, endpoint, request, reply);
}

async function route(ctx: RouteContext, endpoint: Endpoint, request: FastifyRequest,
  reply: FastifyReply): Promise<FastifyReply> {
  switch (endpoint.area) {
    case 'base':
      return reply.type('application/json').send({});
    case 'catalog':
      return handleCatalog(ctx, endpoint, request, reply);
    case 'uploads':
      return handleUpload(ctx, endpoint, request, reply);
    case 'blobs':
      return handleBlob(ctx, endpoint, request, reply);
    case 'manifests':
      return handleManifest(ctx, endpoint, request, reply);
    case 'tags':
      return handleTags(ctx, endpoint, request, reply);
    case 'referrers':
      return handleReferrers(ctx, endpoint, request, reply);
  }
}

function replyError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof RegistryError) {
    return sendError(reply, err);
  }

  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'SQLITE_FULL') {
    request.log.error({ err }, 'disk full');
    return reply.code(507).type('application/json').send(errorBody('UNKNOWN',
      'the registry has no space left for this upload; nothing was stored: retry later'));
  }

  if (request.raw.destroyed || reply.raw.headersSent) {
    request.log.warn({ err }, 'request aborted');
    return reply;
  }

  request.log.error({ err }, 'request failed');
  return reply.code(500).type('application/json')
    .send(errorBody('UNKNOWN', 'internal error; see the server log'));
}
