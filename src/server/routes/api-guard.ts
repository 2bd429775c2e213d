// Wraps every /api/v1/ handler: the access decision comes first (and is audited), then the
// handler; any failure becomes the API's JSON error shape, never a stack or a secret.
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { ApiAccess, ApiRule } from '../../access/api-access.js';
import { AccessError } from '../../access/errors.js';
import type { Principal } from '../../access/roles.js';
import { RegistryError } from '../../registry/errors.js';
import type { Registry } from '../../registry/registry.js';
import { ApiProblem, sendApiError } from './api-http.js';

export interface ApiContext {
  api: ApiAccess;
  registry: Registry;
}

export interface ApiCall {
  request: FastifyRequest;
  reply: FastifyReply;
  principal: Principal;
  via: 'basic' | 'bearer';
}

/** A successful reply: the JSON body, or `undefined` for 204. */
export type ApiResult = { status?: number; body?: unknown };

export interface ApiOperation {
  /** Stable name recorded in the audit log as `api:<name>`. */
  name: string;
  /** Checks path and query before the decision; throws ApiProblem for bad input. */
  validate?: (request: FastifyRequest) => void;
  rule: (request: FastifyRequest) => ApiRule;
  run: (call: ApiCall) => Promise<ApiResult> | ApiResult;
}

const ACCESS_STATUS: Record<string, number> = {
  INVALID_NAME: 400, WEAK_PASSWORD: 400, PROJECT_EXISTS: 409, USER_EXISTS: 409,
  USER_UNKNOWN: 404, PROJECT_UNKNOWN: 404, NO_SUCH_GRANT: 404,
};

export function guarded(ctx: ApiContext, operation: ApiOperation): RouteHandlerMethod {
  return async function handler(request, reply) {
    try {
      operation.validate?.(request);
      const decision = await ctx.api.authorize({
        ...(request.headers.authorization === undefined ? {}
          : { authorization: request.headers.authorization }),
        remoteAddress: request.ip, operation: operation.name, rule: operation.rule(request) });
      if (!decision.allowed) {
        if (decision.challenge !== undefined) {
          reply.header('WWW-Authenticate', decision.challenge);
        }

        if (decision.retryAfterSeconds !== undefined) {
          reply.header('Retry-After', String(decision.retryAfterSeconds));
        }

        return sendApiError(reply, decision.status, decision.code, decision.reason);
      }

      const result = await operation.run({ request, reply, principal: decision.principal,
        via: decision.via });
      reply.code(result.status ?? 200).header('cache-control', 'no-store');
      return result.body === undefined ? reply.send()
        : reply.type('application/json').send(result.body);
    } catch (err) {
      return replyFailure(err, request, reply);
    }
  };
}

function replyFailure(err: unknown, request: FastifyRequest, reply: FastifyReply):
  FastifyReply {
  if (err instanceof ApiProblem) {
    return sendApiError(reply, err.status, err.code, err.message);
  }

  if (err instanceof AccessError) {
    return sendApiError(reply, ACCESS_STATUS[err.code] ?? 400, err.code, err.message);
  }

  if (err instanceof RegistryError) {
    return sendApiError(reply, err.status, err.code, err.message);
  }

  request.log.error({ err }, 'api request failed');
  return sendApiError(reply, 500, 'INTERNAL', 'internal error; see the server log');
}
