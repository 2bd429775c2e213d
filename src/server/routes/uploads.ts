// Blob uploads (distribution-spec "Pushing blobs"): POST opens a session, mounts across
// repositories or takes a whole blob with ?digest=; PATCH appends; GET reports progress; PUT
// completes with the digest; DELETE cancels.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RegistryError } from '../../registry/errors.js';
import { checkDigest, checkRepositoryName } from '../../registry/names.js';
import { authorize } from '../access.js';
import {
  contentLength,
  contentRangeStart,
  hasBody,
  queryParam,
  requestBody,
  uploadRange,
} from '../http.js';
import { locationOf, type Handler, type RouteContext } from './context.js';

type UploadEndpoint = { area: 'uploads'; name: string; id?: string };

export const handleUpload: Handler<UploadEndpoint> = async (ctx, endpoint, request, reply) => {
  if (endpoint.id === undefined) {
    if (request.method !== 'POST') {
      throw new RegistryError('UNSUPPORTED', 405, 'open an upload with POST');
    }

    return startUpload(ctx, endpoint, request, reply);
  }

  const { name, id } = endpoint;
  switch (request.method) {
    case 'GET':
      return sessionReply(reply, name, id, ctx.registry.uploads.get(name, id).offset, 204);
    case 'PATCH': {
      const start = contentRangeStart(headerOf(request, 'content-range'));
      const offset = await ctx.registry.uploads.append(name, id, requestBody(request), start);
      return sessionReply(reply, name, id, offset, 202);
    }
    case 'PUT':
      return finishUpload(ctx, { name, id }, request, reply);
    case 'DELETE':
      ctx.registry.uploads.get(name, id);
      await ctx.registry.uploads.cancel(id);
      return reply.code(204).send();
    default:
      throw new RegistryError('UNSUPPORTED', 405, `${request.method} is not allowed on an upload`);
  }
};

async function startUpload(ctx: RouteContext, endpoint: UploadEndpoint, request: FastifyRequest,
  reply: FastifyReply): Promise<FastifyReply> {
  const { name } = endpoint;
  const mount = queryParam(request, 'mount');
  const from = queryParam(request, 'from');
  if (mount !== undefined && from !== undefined) {
    const digest = checkDigest(mount);
    const source = checkRepositoryName(from);
    // Mounting reads from `from`: the caller needs pull there, or it falls back to an upload.
    const decision = await authorize(ctx.policy, request, endpoint, ['pull'], source);
    if (decision.allowed && ctx.registry.mount(name, digest, source)) {
      return blobCreated(reply, name, digest);
    }
  }

  const digestParam = queryParam(request, 'digest');
  if (digestParam !== undefined) {
    const digest = checkDigest(digestParam);
    await ctx.registry.pushBlob(name, digest, requestBody(request), contentLength(request));
    return blobCreated(reply, name, digest);
  }

  const session = await ctx.registry.uploads.start(name);
  return sessionReply(reply, name, session.id, 0, 202);
}

async function finishUpload(ctx: RouteContext, target: { name: string; id: string },
  request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { name, id } = target;
  const digestParam = queryParam(request, 'digest');
  if (digestParam === undefined) {
    throw new RegistryError('DIGEST_INVALID', 400, 'complete an upload with ?digest=<digest>');
  }

  const digest = checkDigest(digestParam);
  const body = hasBody(request) ? requestBody(request) : undefined;
  const start = contentRangeStart(headerOf(request, 'content-range'));
  const staged = await ctx.registry.uploads.finish(name, id, digest, body, start);
  await ctx.registry.publish(name, staged);
  return blobCreated(reply, name, digest);
}

function sessionReply(reply: FastifyReply, name: string, id: string, offset: number,
  status: 202 | 204): FastifyReply {
  return reply
    .code(status)
    .header('Location', `/v2/${name}/blobs/uploads/${id}`)
    .header('Range', uploadRange(offset))
    .header('Docker-Upload-UUID', id)
    .header('Content-Length', '0')
    .send();
}

function blobCreated(reply: FastifyReply, name: string, digest: string): FastifyReply {
  return reply
    .code(201)
    .header('Location', locationOf(name, 'blobs', digest))
    .header('Docker-Content-Digest', digest)
    .header('Content-Length', '0')
    .send();
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
