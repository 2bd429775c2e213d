// HTTP pieces of the JSON API under /api/v1/: the one error shape
// `{"error":{"code","message"}}`, strict query parameters, bounded page sizes and JSON bodies.
// Written by hand: three small checks do not justify wiring a schema validator into a server
// that parses no bodies anywhere else.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readBody } from '../http.js';

/** A refusal of bad input or a missing resource, answered as `{"error":{code,message}}`. */
export class ApiProblem extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export function sendApiError(reply: FastifyReply, status: number, code: string,
  message: string): FastifyReply {
  return reply.code(status).type('application/json').header('cache-control', 'no-store')
    .send({ error: { code, message } });
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
const MAX_PARAM = 512;
const MAX_JSON_BODY = 16 * 1024;

/**
 * The query parameters, each given at most once and each in `allowed`.
 * @throws ApiProblem INVALID_PARAMETER naming the offending parameter.
 */
export function readQuery(request: FastifyRequest, allowed: readonly string[]):
  Record<string, string> {
  const query = request.query as Record<string, string | string[] | undefined>;
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!allowed.includes(name)) {
      throw new ApiProblem(400, 'INVALID_PARAMETER', `unknown query parameter ${name.slice(0, 40)}`
        + (allowed.length === 0 ? ': this endpoint takes none' : `: use ${allowed.join(', ')}`));
    }

    if (Array.isArray(value) || value === undefined) {
      throw new ApiProblem(400, 'INVALID_PARAMETER', `give ${name} once`);
    }

    if (value.length > MAX_PARAM) {
      throw new ApiProblem(400, 'INVALID_PARAMETER', `${name} is over ${MAX_PARAM} characters`);
    }

    values[name] = value;
  }

  return values;
}

/** `limit` as a page size: DEFAULT_LIMIT when absent. @throws ApiProblem INVALID_PARAMETER. */
export function pageLimit(text: string | undefined): number {
  if (text === undefined) {
    return DEFAULT_LIMIT;
  }

  const limit = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    throw new ApiProblem(400, 'INVALID_PARAMETER', `limit must be an integer from 1 to `
      + `${MAX_LIMIT}`);
  }

  return limit;
}

/**
 * A JSON object body. Only `application/json` is accepted, which a browser cannot send to
 * another origin without a CORS preflight (that the server never grants), and the API reads
 * no cookies: together they make cross-site request forgery impossible.
 * @throws ApiProblem UNSUPPORTED_MEDIA_TYPE, INVALID_BODY, or SIZE_INVALID via readBody.
 */
export async function readJsonObject(request: FastifyRequest):
  Promise<Record<string, unknown>> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  }

  const body = await readBody(request, MAX_JSON_BODY).catch(() => {
    throw new ApiProblem(413, 'INVALID_BODY', `the body is over ${MAX_JSON_BODY} bytes`);
  });
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiProblem(400, 'INVALID_BODY', 'the body is not valid JSON');
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiProblem(400, 'INVALID_BODY', 'the body must be a JSON object');
  }

  return value as Record<string, unknown>;
}
