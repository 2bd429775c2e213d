// POST /token: the OAuth2 form of the token endpoint (distribution "oauth" token spec), an
// `application/x-www-form-urlencoded` body read with a size limit and parsed by URLSearchParams.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenEndpoint, TokenForm } from '../../access/policy.js';
import { readBody } from '../http.js';

const MAX_FORM_BYTES = 16 * 1024;
const FIELDS = ['grant_type', 'service', 'client_id', 'access_type', 'scope', 'username',
  'password', 'refresh_token'] as const;

export async function handleTokenForm(tokens: TokenEndpoint, request: FastifyRequest,
  reply: FastifyReply): Promise<FastifyReply> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return oauthError(reply, 400, 'invalid_request',
      'send the token request as application/x-www-form-urlencoded');
  }

  let body: Buffer;
  try {
    body = await readBody(request, MAX_FORM_BYTES);
  } catch {
    return oauthError(reply, 413, 'invalid_request', `the form is over ${MAX_FORM_BYTES} bytes`);
  }

  const params = new URLSearchParams(body.toString('utf8'));
  const form: TokenForm = {};
  for (const field of FIELDS) {
    const values = params.getAll(field);
    if (values.length > 1) {
      return oauthError(reply, 400, 'invalid_request', `give ${field} once`);
    }

    if (values[0] !== undefined) {
      form[field] = values[0];
    }
  }

  const result = await tokens.handleForm(form, request.ip);
  return reply.code(result.status).headers(result.headers ?? {}).send(result.body);
}

function oauthError(reply: FastifyReply, status: number, error: string,
  description: string): FastifyReply {
  return reply.code(status).type('application/json').header('cache-control', 'no-store')
    .send({ error, error_description: description });
}
