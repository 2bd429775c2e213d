// What every route handler receives.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessPolicy } from '../../access/policy.js';
import type { Registry } from '../../registry/registry.js';
import type { PolicyEnforcer } from '../policy/enforcer.js';
import type { Endpoint } from '../route-match.js';

export interface RouteContext {
  registry: Registry;
  policy: AccessPolicy;
  /** Project policies (signatures, severity, immutable tags, scans); none when absent. */
  enforcer?: PolicyEnforcer;
}

export type Handler<E extends Endpoint> = (
  ctx: RouteContext,
  endpoint: E,
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply>;

/** The URL-safe location of a blob or manifest in a repository. */
export function locationOf(name: string, area: 'blobs' | 'manifests', digest: string): string {
  return `/v2/${name}/${area}/${digest}`;
}
