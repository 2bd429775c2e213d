// GET /api/v1/repositories/<name>/manifests/<digest>/scan: the scan status of a manifest (for an
// index, of each image it lists) and, under a severity ceiling, whether a pull is allowed. The
// repository name is percent-encoded as one path segment (`payments%2Fledger`), as in the rest
// of /api/v1/. Authorised and audited like a pull of that manifest.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessPolicy } from '../../access/policy.js';
import { RegistryError } from '../../registry/errors.js';
import { checkDigest, checkRepositoryName } from '../../registry/names.js';
import type { Registry } from '../../registry/registry.js';
import { authorize, sendDenied } from '../access.js';
import { sendError } from '../http.js';
import type { PolicyEnforcer } from '../policy/enforcer.js';

export interface PolicyApiContext {
  registry: Registry;
  policy: AccessPolicy;
  enforcer: PolicyEnforcer;
}

export function registerPolicyApi(app: FastifyInstance, ctx: PolicyApiContext): void {
  app.get('/api/v1/repositories/:name/manifests/:digest/scan',
    (request, reply) => scanStatus(ctx, request, reply));
}

async function scanStatus(ctx: PolicyApiContext, request: FastifyRequest,
  reply: FastifyReply): Promise<FastifyReply> {
  const params = request.params as { name?: string; digest?: string };
  try {
    const name = checkRepositoryName(params.name ?? '');
    const digest = checkDigest(params.digest ?? '');
    const decision = await authorize(ctx.policy, request,
      { area: 'manifests', name, reference: digest }, ['pull']);
    if (!decision.allowed) {
      return sendDenied(reply, decision);
    }

    const record = ctx.registry.getManifest(name, digest);
    return reply.type('application/json').send(ctx.enforcer.scanStatus(name, record));
  } catch (err) {
    if (err instanceof RegistryError) {
      return sendError(reply, err);
    }

    throw err;
  }
}
