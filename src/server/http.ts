// Small HTTP pieces shared by the route files: OCI error replies, reading a bounded body,
// parsing Range / Content-Range, and upload URLs.
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RegistryError, errorBody } from '../registry/errors.js';

export function sendError(reply: FastifyReply, err: RegistryError): FastifyReply {
  // RANGE_INVALID is Moat's name for a 416 reply; the spec's code for it is BLOB_UPLOAD_INVALID.
  const code = err.code === 'RANGE_INVALID' ? 'BLOB_UPLOAD_INVALID' : err.code;
  return reply.code(err.status).type('application/json').send(errorBody(code, err.message));
}

/**
 * The request body as a stream whose failure (bad digest, size limit, full disk) does not
 * destroy the connection: the rest of the body is drained so the client still reads our error.
 * A client that goes away mid-body makes the stream fail.
 */
export function requestBody(request: FastifyRequest): Readable {
  const raw = request.raw;
  const body = new PassThrough();
  raw.pipe(body);
  raw.on('close', () => {
    if (!raw.complete) {
      body.destroy(new Error('the client closed the connection mid-body'));
    }
  });
  body.on('close', () => {
    if (!raw.readableEnded) {
      raw.unpipe(body);
      raw.resume();
    }
  });
  return body;
}

/** True when the request carries a body (a length above zero, or chunked encoding). */
export function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) {
    return Number(length) > 0;
  }

  return request.headers['transfer-encoding'] !== undefined;
}

/** Content-Length as a number, or undefined. @throws RegistryError SIZE_INVALID. */
export function contentLength(request: FastifyRequest): number | undefined {
  const value = request.headers['content-length'];
  if (value === undefined) {
    return undefined;
  }

  const length = Number(value);
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RegistryError('SIZE_INVALID', 400, 'Content-Length is not a byte count');
  }

  return length;
}

/**
 * Reads the whole body, refusing more than `max` bytes.
 * @throws RegistryError SIZE_INVALID (413).
 */
export async function readBody(request: FastifyRequest, max: number): Promise<Buffer> {
  const declared = contentLength(request);
  const chunks: Buffer[] = [];
  let total = 0;
  let tooLarge = declared !== undefined && declared > max;
  for await (const chunk of request.raw) {
    total += (chunk as Buffer).length;
    // Keep draining so the client sees our reply, but never hold more than `max` bytes.
    tooLarge ||= total > max;
    if (!tooLarge) {
      chunks.push(chunk as Buffer);
    }
  }

  if (tooLarge) {
    throw new RegistryError('SIZE_INVALID', 413, `the body is over the ${max}-byte limit`);
  }

  return Buffer.concat(chunks);
}

/**
 * Parses a single `Range: bytes=a-b` (or `a-`, `-n`) against `size`; undefined without one.
 * @throws RegistryError RANGE_INVALID (416) when unsatisfiable or malformed.
 */
export function parseRange(header: string | undefined, size: number):
  { start: number; end: number } | undefined {
  if (header === undefined) {
    return undefined;
  }

  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  const unsatisfiable = new RegistryError('RANGE_INVALID', 416,
    `range ${header.slice(0, 60)} cannot be served from ${size} bytes`);
  if (match === null || (match[1] === '' && match[2] === '')) {
    throw unsatisfiable;
  }

  const [first, last] = [match[1] ?? '', match[2] ?? ''];
  const start = first === '' ? Math.max(0, size - Number(last)) : Number(first);
  const end = first === '' || last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start > end || start >= size) {
    throw unsatisfiable;
  }

  return { start, end };
}

/**
 * The start offset of a `Content-Range: a-b` (distribution-spec chunked upload); undefined
 * without the header.
 * @throws RegistryError RANGE_INVALID (416) when malformed.
 */
export function contentRangeStart(header: string | undefined): number | undefined {
  if (header === undefined) {
    return undefined;
  }

  const match = /^(?:bytes )?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (match === null || Number(match[1]) > Number(match[2])) {
    throw new RegistryError('RANGE_INVALID', 416, `Content-Range ${header.slice(0, 60)} is ` +
      'malformed: send <start>-<end>');
  }

  return Number(match[1]);
}

/** The Range header value the spec wants for an upload at `offset` bytes. */
export function uploadRange(offset: number): string {
  return `0-${Math.max(0, offset - 1)}`;
}

/** One query parameter as a string (the first, when repeated). */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}
