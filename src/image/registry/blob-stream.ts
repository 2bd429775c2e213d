// Streams a blob and, when the connection breaks or stalls part-way, asks for the rest with a
// `Range` request (RFC 9110 §14) instead of starting over; large layers on flaky links then
// still arrive. The digest verifier downstream sees one continuous byte stream either way.
import { Readable } from 'node:stream';
import { openBody } from './body.js';
import { RegistryError } from './errors.js';
import type { TransportResponse } from './transport.js';

/** Fetches the blob from byte `offset` on (a `Range` request). */
export type FetchFrom = (offset: number) => Promise<TransportResponse>;

const MAX_RESUMES = 3;

/** The blob's bytes as one stream, resuming at most three times after network errors. */
export function openResumableBlob(first: TransportResponse, fetchFrom: FetchFrom): Readable {
  return Readable.from(resumingChunks(first, fetchFrom), { objectMode: false });
}

async function* resumingChunks(
  first: TransportResponse,
  fetchFrom: FetchFrom,
): AsyncGenerator<Buffer> {
  let reply = first;
  let offset = 0;
  for (let resumes = 0; ; resumes += 1) {
    try {
      for await (const chunk of openBody(reply)) {
        offset += (chunk as Buffer).length;
        yield chunk as Buffer;
      }

      return;
    } catch (err) {
      if (!isNetworkError(err) || resumes >= MAX_RESUMES) {
        throw err;
      }

      reply = await fetchFrom(offset);
      if (!continuesAt(reply, offset)) {
        await reply.response.body?.cancel().catch(() => undefined);
        throw err;
      }
    }
  }
}

function isNetworkError(err: unknown): boolean {
  return err instanceof RegistryError && err.code === 'NETWORK_ERROR';
}

// Only a 206 whose Content-Range starts exactly where we stopped continues the same bytes.
function continuesAt(reply: TransportResponse, offset: number): boolean {
  const range = reply.response.headers.get('content-range') ?? '';
  const start = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(range.trim())?.[1];
  return reply.response.status === 206 && start !== undefined && Number(start) === offset;
}
