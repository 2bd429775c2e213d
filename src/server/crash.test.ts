// kill -9 of `moat serve` in the middle of pushes: the restarted server must find a consistent
// store (every visible blob intact, interrupted blobs invisible, old content still served).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../image/digest.js';
import { runMoat } from '../posture/testing/cli.js';
import { makeTempDir } from '../testing/requirements.js';
import { call } from './__tests__/harness.js';
import { ADMIN, buildCli, spawnServer, type ServerProcess } from './__tests__/spawn-server.js';

const built = await buildCli();
if (!built) {
  console.log('skipping the kill -9 test: the CLI does not build');
}

const auth = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;
const octet = { 'Content-Type': 'application/octet-stream', Authorization: auth };

/** Streams `blob` slowly to `path`; resolves when the server or the socket ends it. */
function slowPush(host: string, method: string, path: string, blob: Buffer): Promise<void> {
  const [hostname, port] = host.split(':');
  return new Promise((done) => {
    const req = httpRequest({ hostname, port: Number(port), method, path,
      headers: { ...octet, 'Content-Length': String(blob.length) } }, (res) => {
      res.resume();
      res.on('end', () => done());
    });
    req.on('error', () => done());
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= blob.length || req.destroyed) {
        clearInterval(timer);
        return;
      }

      req.write(blob.subarray(sent, sent + 64 * 1024));
      sent += 64 * 1024;
    }, 10);
  });
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
  }

  return hash.digest('hex');
}

describe.skipIf(!built)('moat serve killed with SIGKILL during pushes', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let server: ServerProcess;
  const data = () => join(temp.dir, 'data');
  beforeAll(async () => {
    temp = await makeTempDir('registry-crash');
    server = await spawnServer(data());
    expect((await runMoat(['project', 'create', 'demo', '--data', data()])).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await temp?.cleanup();
  });

  it('restarts onto a consistent store', async () => {
    const kept = Buffer.from('pushed before the crash');
    const r = (method: string, path: string, init?: Parameters<typeof call>[3]) =>
      call(server.url, method, path, { ...init, headers: { ...octet, ...init?.headers } });
    expect((await r('POST', `/v2/demo/app/blobs/uploads/?digest=${digestOf(kept)}`,
      { body: kept })).status).toBe(201);

    const blobs = [1, 2, 3, 4].map((i) => Buffer.alloc(6 * 1024 * 1024, i));
    const pushes: Promise<void>[] = [];
    for (const [i, blob] of blobs.entries()) {
      if (i % 2 === 0) {
        pushes.push(slowPush(server.host, 'POST',
          `/v2/demo/app/blobs/uploads/?digest=${digestOf(blob)}`, blob));
      } else {
        const post = await r('POST', '/v2/demo/app/blobs/uploads/');
        pushes.push(slowPush(server.host, 'PATCH', post.headers.get('location') ?? '', blob));
      }
    }

    await new Promise((done) => setTimeout(done, 600));
    await server.kill9();
    await Promise.all(pushes);

    server = await spawnServer(data());
    const again = (method: string, path: string) => call(server.url, method, path,
      { headers: { Authorization: auth } });
    const got = await again('GET', `/v2/demo/app/blobs/${digestOf(kept)}`);
    expect(got.body.equals(kept)).toBe(true);
    for (const blob of blobs) {
      expect((await again('HEAD', `/v2/demo/app/blobs/${digestOf(blob)}`)).status).toBe(404);
    }

    const files = await readdir(join(data(), 'blobs'), { recursive: true, withFileTypes: true });
    for (const file of files.filter((f) => f.isFile())) {
      expect(await sha256File(join(file.parentPath, file.name))).toBe(basename(file.name));
    }

    const first = blobs[0] ?? Buffer.alloc(0);
    const retry = await call(server.url, 'POST',
      `/v2/demo/app/blobs/uploads/?digest=${digestOf(first)}`, { headers: octet, body: first });
    expect(retry.status).toBe(201);

    await server.stop();
    const gc = await runMoat(['gc', '--data', data(), '--upload-expiry', '0s', '--grace', '0s',
      '--format', 'json']);
    expect(JSON.parse(gc.stdout).expiredUploads).toBeGreaterThanOrEqual(1);
    expect(await readdir(join(data(), 'uploads'))).toEqual([]);
    expect(await readdir(join(data(), 'tmp'))).toEqual([]);
  }, 90_000);
});
