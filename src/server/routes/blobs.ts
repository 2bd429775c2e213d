// Blob reads and deletes (distribution-spec "Pulling blobs", "Deleting Blobs").
import { open } from 'node:fs/promises';
import { RegistryError } from '../../registry/errors.js';
import { checkDigest } from '../../registry/names.js';
import { parseRange } from '../http.js';
import { ZERO_COPY_MIN_BYTES, canSendFile, sendFileBody } from '../zero-copy.js';
import type { Handler } from './context.js';

type BlobEndpoint = { area: 'blobs'; name: string; digest: string };

export const handleBlob: Handler<BlobEndpoint> = async (ctx, endpoint, request, reply) => {
  const digest = checkDigest(endpoint.digest);
  if (request.method === 'DELETE') {
    ctx.registry.deleteBlob(endpoint.name, digest);
    return reply.code(202).header('Content-Length', '0').send();
  }

  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new RegistryError('UNSUPPORTED', 405, `${request.method} is not allowed on a blob`);
  }

  const size = ctx.registry.blobSize(endpoint.name, digest);
  reply
    .header('Docker-Content-Digest', digest)
    .header('Accept-Ranges', 'bytes')
    .type('application/octet-stream');
  let range: { start: number; end: number } | undefined;
  try {
    range = parseRange(request.headers.range, size);
  } catch (err) {
    reply.header('Content-Range', `bytes */${size}`);
    throw err;
  }

  if (range !== undefined) {
    reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
  }

  const length = range === undefined ? size : range.end - range.start + 1;
  reply.header('Content-Length', String(length));
  if (request.method === 'HEAD' || length === 0) {
    return reply.send();
  }

  const file = ctx.registry.blobFile(digest);
  if (file !== undefined && length >= ZERO_COPY_MIN_BYTES && canSendFile(reply.raw)) {
    // Opened before the reply leaves fastify, so a blob that GC removed a moment ago still
    // gets its 404 rather than a dropped connection.
    const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT'
        ? new RegistryError('BLOB_UNKNOWN', 404, `blob ${digest} is not in ${endpoint.name}`)
        : err;
    });
    // The reply leaves fastify here: sendFileBody writes head and body to the socket itself.
    reply.hijack();
    const failed = await sendFileBody(reply.raw, handle, range?.start ?? 0, length,
      reply.statusCode, reply.getHeaders() as Record<string, string | number | string[]>);
    if (failed !== undefined) {
      request.log.warn({ err: failed, digest }, 'blob transfer aborted');
    }

    return reply;
  }

  return reply.send(ctx.registry.openBlob(digest, range));
};
