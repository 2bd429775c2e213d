// Asks the access policy about every /v2/ request before any handler runs, and turns a refusal
// into the OCI error reply with its challenge. Which actions an endpoint needs follows the
// distribution token scope rules: reads are `pull`, uploads and manifest PUT `push`, DELETE
// `delete`.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessDecision, AccessPolicy, RegistryAction } from '../access/policy.js';
import { errorBody } from '../registry/errors.js';
import type { Endpoint } from './route-match.js';

export function actionsFor(endpoint: Endpoint, method: string): RegistryAction[] {
  if (endpoint.area === 'base' || endpoint.area === 'catalog') {
    return [];
  }

  if (endpoint.area === 'uploads') {
    return ['push'];
  }

  if (method === 'DELETE') {
    return ['delete'];
  }

  return method === 'PUT' ? ['push'] : ['pull'];
}

/** The digest a request names, for the audit record. */
function digestOf(endpoint: Endpoint): string | undefined {
  if (endpoint.area === 'blobs' || endpoint.area === 'referrers') {
    return endpoint.digest;
  }

  if (endpoint.area === 'manifests' && endpoint.reference.includes(':')) {
    return endpoint.reference;
  }

  return undefined;
}

/** Decides one request for `repository` (the endpoint's, unless given). */
export async function authorize(policy: AccessPolicy, request: FastifyRequest,
  endpoint: Endpoint, actions: RegistryAction[], repository?: string): Promise<AccessDecision> {
  const name = repository ?? ('name' in endpoint ? endpoint.name : undefined);
  const digest = digestOf(endpoint);
  return policy.authorize({
    ...(request.headers.authorization === undefined
      ? {}
      : { authorization: request.headers.authorization }),
    remoteAddress: request.ip,
    ...(name === undefined ? {} : { repository: name }),
    actions,
    ...(digest === undefined ? {} : { digest }),
  });
}

export function sendDenied(reply: FastifyReply, decision: AccessDecision): FastifyReply {
  if (decision.challenge !== undefined) {
    reply.header('WWW-Authenticate', decision.challenge);
  }

  if (decision.retryAfterSeconds !== undefined) {
    reply.header('Retry-After', String(decision.retryAfterSeconds));
  }

  const code = decision.errorCode === 'INSUFFICIENT_SCOPE' || decision.errorCode === undefined
    ? (decision.status === 401 ? 'UNAUTHORIZED' : 'DENIED')
    : decision.errorCode;
  return reply.code(decision.status).type('application/json')
    .send(errorBody(code, decision.reason));
}
