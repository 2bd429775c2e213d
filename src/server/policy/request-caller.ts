// Who the access policy resolved for a request, kept beside the request so that route handlers
// can name the caller in policy audit records, and know whether it may push, without
// authenticating twice.
import type { FastifyRequest } from 'fastify';
import type { AccessDecision } from '../../access/policy.js';
import type { Caller } from './enforcer.js';

const decisions = new WeakMap<FastifyRequest, AccessDecision>();

export function rememberDecision(request: FastifyRequest, decision: AccessDecision): void {
  decisions.set(request, decision);
}

export function callerOf(request: FastifyRequest): Caller {
  const decision = decisions.get(request);
  const subject = decision?.subject;
  return {
    remoteAddress: request.ip,
    mayPush: decision?.permitted?.includes('push') === true,
    ...(subject === undefined ? {} : { subject }),
  };
}
