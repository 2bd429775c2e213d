// Blob GETs served by the native sendfile addon, through the real server on loopback: bytes,
// ranges and keep-alive, and the ways a transfer can go wrong (a client that stalls, one
// that leaves halfway, a blob file cut short on disk).
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../image/digest.js';
import { makeTempDir } from '../testing/requirements.js';
import { call, startTestServer, type TestServer } from './__tests__/harness.js';
import { ZERO_COPY_MIN_BYTES, activeZeroCopyTransfers, canSendFile,
  zeroCopyAddon } from './zero-copy.js';

const built = zeroCopyAddon() !== undefined;
if (!built) {
  const reason = 'the moat-sendfile addon is not built (npm ci builds it with g++ and ' +
    'Node\'s headers)';
  if (process.env.CI !== undefined) {
    throw new Error(`${reason}: CI must build it`);
  }

  console.log(`skipping zero-copy blob tests: ${reason}`);
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Got { status: number; headers: http.IncomingHttpHeaders; body: Buffer;
  reused: boolean }

/** A GET with node:http, so that the test controls socket reuse and reading speed. */
function get(url: string, options: { agent?: http.Agent; range?: string;
  pauseMs?: number; leaveAfterBytes?: number } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: options.agent ?? false,
      headers: options.range === undefined ? {} : { Range: options.range } }, (response) => {
      const chunks: Buffer[] = [];
      let seen = 0;
      if (options.pauseMs !== undefined) {
        response.pause();
        setTimeout(() => response.resume(), options.pauseMs);
      }

      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        seen += chunk.length;
        if (options.leaveAfterBytes !== undefined && seen >= options.leaveAfterBytes) {
          request.destroy();
          resolve({ status: response.statusCode ?? 0, headers: response.headers,
            body: Buffer.concat(chunks), reused: request.reusedSocket });
        }
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0,
        headers: response.headers, body: Buffer.concat(chunks), reused: request.reusedSocket }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (check()) {
      return;
    }

    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  throw new Error(`timed out waiting until ${what}`);
}

describe.skipIf(!built)('blob GETs with sendfile', () => {
  let server: TestServer;
  // Large enough that the loopback socket buffers cannot take it at once.
  const blob = randomBytes(24 * 1024 * 1024);
  const digest = digestOf(blob);
  const url = () => `${server.url}/v2/zc/repo/blobs/${digest}`;

  beforeAll(async () => {
    server = await startTestServer();
    const pushed = await call(server.url, 'POST', `/v2/zc/repo/blobs/uploads/?digest=${digest}`,
      { headers: { 'Content-Type': 'application/octet-stream' }, body: blob });
    expect(pushed.status).toBe(201);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('sends the whole blob with the registry headers, and keeps the connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(url(), { agent });
      expect(first.status).toBe(200);
      expect(sha(first.body)).toBe(sha(blob));
      expect(first.headers['content-length']).toBe(String(blob.length));
      expect(first.headers['docker-content-digest']).toBe(digest);
      expect(first.headers['docker-distribution-api-version']).toBe('registry/2.0');
      expect(first.headers['content-type']).toBe('application/octet-stream');
      const second = await get(url(), { agent });
      expect(second.reused).toBe(true);
      expect(sha(second.body)).toBe(sha(blob));
    } finally {
      agent.destroy();
    }
  });

  it('sends a range from its offset', async () => {
    const start = 1_000_003;
    const end = start + ZERO_COPY_MIN_BYTES * 3;
    const part = await get(url(), { range: `bytes=${start}-${end}` });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${blob.length}`);
    expect(sha(part.body)).toBe(sha(blob.subarray(start, end + 1)));
  });

  it('waits for a client that stops reading for a while', async () => {
    const pending = get(url(), { pauseMs: 400 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Proof that this body goes through the addon, not the stream fallback.
    expect(activeZeroCopyTransfers()).toBe(1);
    const slow = await pending;
    expect(sha(slow.body)).toBe(sha(blob));
  });

  it('frees the transfer when the client leaves halfway, and serves the next one', async () => {
    const left = await get(url(), { leaveAfterBytes: 1024 * 1024 });
    expect(left.body.length).toBeLessThan(blob.length);
    await until(() => activeZeroCopyTransfers() === 0, 'the abandoned transfer ends');
    const next = await get(url());
    expect(sha(next.body)).toBe(sha(blob));
  });

  it('drops the connection when the blob file on disk is shorter than recorded', async () => {
    const other = randomBytes(2 * 1024 * 1024);
    const otherDigest = digestOf(other);
    await call(server.url, 'POST', `/v2/zc/repo/blobs/uploads/?digest=${otherDigest}`,
      { headers: { 'Content-Type': 'application/octet-stream' }, body: other });
    const file = server.registry.blobFile(otherDigest);
    expect(file).toBeDefined();
    truncateSync(file ?? '', 1024 * 1024);
    await expect(get(`${server.url}/v2/zc/repo/blobs/${otherDigest}`))
      .rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    await until(() => activeZeroCopyTransfers() === 0, 'the failed transfer ends');
  });

  it('answers 404 for a blob whose file goes away between the size check and the open',
    async () => {
      const blobFile = server.registry.blobFile.bind(server.registry);
      // As when GC removes the file right after the size check: the path no longer exists.
      server.registry.blobFile = (d: string) => `${blobFile(d) ?? ''}.gone`;
      try {
        const reply = await call(server.url, 'GET', `/v2/zc/repo/blobs/${digest}`);
        expect(reply.status).toBe(404);
        expect(reply.json().errors[0].code).toBe('BLOB_UNKNOWN');
      } finally {
        server.registry.blobFile = blobFile;
      }
    });

  it('ends a transfer to a stalled client when a shutdown drops the connections', async () => {
    const other = await startTestServer();
    await call(other.url, 'POST', `/v2/zc/repo/blobs/uploads/?digest=${digest}`,
      { headers: { 'Content-Type': 'application/octet-stream' }, body: blob });
    const stalled = http.get(`${other.url}/v2/zc/repo/blobs/${digest}`, { agent: false },
      (response) => response.pause());
    stalled.on('error', () => undefined);
    await until(() => activeZeroCopyTransfers() === 1, 'the transfer starts');
    other.dropConnections();
    await until(() => activeZeroCopyTransfers() === 0, 'the transfer is cancelled');
    await other.stop();
    stalled.destroy();
  });

  it('leaves a response whose head was already written to the usual path', async () => {
    const answered = await new Promise<boolean>((resolve) => {
      const plain = http.createServer((_request, response) => {
        response.writeHead(200, { 'Content-Length': '2' });
        response.write('', () => {
          resolve(canSendFile(response));
          response.end('ok');
        });
      });
      plain.listen(0, '127.0.0.1', () => {
        const address = plain.address();
        const port = typeof address === 'object' && address !== null ? address.port : 0;
        http.get(`http://127.0.0.1:${port}/`, (response) => {
          response.resume();
          response.on('end', () => plain.close());
        });
      });
    });
    expect(answered).toBe(false);
  });
});

describe.skipIf(!built)('the moat-sendfile addon', () => {
  const addon = createRequire(import.meta.url)('moat-sendfile') as {
    startSendFile(socketFd: number, fileFd: number, offset: number, length: number,
      idleMs: number): { done: Promise<number>; cancel(): void };
  };
  const send = (socketFd: number, fileFd: number, length: number, idleMs = 1000) =>
    addon.startSendFile(socketFd, fileFd, 0, length, idleMs).done;

  const BIG = 64 * 1024 * 1024;

  /**
   * Runs `body` with the server side of a loopback connection whose client never reads, and
   * an open file of BIG random bytes; closes all of it afterwards.
   */
  async function withStalledPeer(body: (socketFd: number, fileFd: number) => Promise<void>):
    Promise<void> {
    const { dir, cleanup } = await makeTempDir('sendfile');
    const listener = net.createServer();
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
    const client = net.connect((listener.address() as net.AddressInfo).port, '127.0.0.1');
    client.pause();
    const server = await accepted;
    const file = join(dir, 'big');
    writeFileSync(file, randomBytes(BIG));
    const fd = openSync(file, 'r');
    try {
      await body((server as unknown as { _handle: { fd: number } })._handle.fd, fd);
    } finally {
      closeSync(fd);
      client.destroy();
      server.destroy();
      listener.close();
      await cleanup();
    }
  }

  it('refuses negative descriptors and lengths', async () => {
    await expect(send(-1, 0, 1)).rejects.toThrow(/whole numbers/);
    await expect(send(0, 0, -1)).rejects.toThrow(/whole numbers/);
  });

  it('refuses a descriptor that is not open', async () => {
    // Far above any open descriptor (a just-closed number may be reused by another thread).
    const unused = 2 ** 30;
    await expect(send(unused, unused, 1)).rejects.toThrow(/not open/);
  });

  it('reports a descriptor that is not a socket by its errno name', async () => {
    const fd = openSync(import.meta.filename, 'r');
    try {
      await expect(send(fd, fd, 10)).rejects
        .toMatchObject({ code: expect.stringMatching(/^E[A-Z]+$/), bytesSent: 0 });
    } finally {
      closeSync(fd);
    }
  });

  it('gives up on a peer that reads nothing for the idle time', async () => {
    await withStalledPeer(async (socketFd, fileFd) => {
      await expect(send(socketFd, fileFd, BIG, 300)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    });
  });

  it('stops at once when cancelled while the peer is not reading', async () => {
    await withStalledPeer(async (socketFd, fileFd) => {
      // An idle time far beyond the test's own timeout: only cancel() can end it in time.
      const transfer = addon.startSendFile(socketFd, fileFd, 0, BIG, 600_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      transfer.cancel();
      const err = await transfer.done.catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ECANCELED' });
      expect((err as { bytesSent: number }).bytesSent).toBeGreaterThan(0);
      expect((err as { bytesSent: number }).bytesSent).toBeLessThan(BIG);
      // Cancelling an ended transfer does nothing.
      transfer.cancel();
    });
  });
});
