// Hostile and broken input against the registry API: each case gets a clear OCI error and
// leaves nothing visible behind.
import { request as httpRequest } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../image/digest.js';
import { collectGarbage } from '../registry/gc.js';
import { call, startTestServer, type TestServer } from './__tests__/harness.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const octet = { 'Content-Type': 'application/octet-stream' };

/** A request with the path exactly as given (fetch would normalise `..`). */
function rawStatus(host: string, method: string, path: string): Promise<{ status: number;
  body: string }> {
  const [hostname, port] = host.split(':');
  return new Promise((done, fail) => {
    const req = httpRequest({ hostname, port: Number(port), method, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('registry API on bad input', () => {
  let server: TestServer;
  const r = (method: string, path: string, init?: Parameters<typeof call>[3]) =>
    call(server.url, method, path, init);
  beforeAll(async () => (server = await startTestServer()));
  afterAll(() => server.stop());

  it('rejects a one-request upload whose bytes do not match, storing nothing', async () => {
    const claimed = digestOf(Buffer.from('what the client claims'));
    const post = await r('POST', `/v2/bad/mismatch/blobs/uploads/?digest=${claimed}`,
      { headers: octet, body: 'something else' });
    expect(post.status).toBe(400);
    expect(post.json().errors[0].code).toBe('DIGEST_INVALID');
    expect((await r('HEAD', `/v2/bad/mismatch/blobs/${claimed}`)).status).toBe(404);
    expect(await filesUnder(join(server.dataDir, 'blobs'))).toEqual([]);
    expect(await filesUnder(join(server.dataDir, 'tmp'))).toEqual([]);
  });

  it('rejects a session upload whose bytes do not match, and ends the session', async () => {
    const post = await r('POST', '/v2/bad/mismatch/blobs/uploads/');
    const location = post.headers.get('location') ?? '';
    await r('PATCH', location, { headers: octet, body: 'chunk' });
    const claimed = digestOf(Buffer.from('other'));
    const put = await r('PUT', `${location}?digest=${claimed}`);
    expect(put.status).toBe(400);
    expect(put.json().errors[0].code).toBe('DIGEST_INVALID');
    expect((await r('GET', location)).status).toBe(404);
    expect(await filesUnder(join(server.dataDir, 'blobs'))).toEqual([]);
  });

  it('rejects a manifest over 4 MiB', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
    const put = await r('PUT', '/v2/bad/big/manifests/t',
      { headers: { 'Content-Type': OCI_MANIFEST }, body: big });
    expect(put.status).toBe(413);
    expect(put.json().errors[0].code).toBe('SIZE_INVALID');
  });

  it.each([
    ['not JSON', '{', 'MANIFEST_INVALID'],
    ['schema 1', '{"schemaVersion":1}', 'MANIFEST_INVALID'],
    ['bad digest in layers', JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST,
      config: { mediaType: 'x', digest: 'sha256:zz', size: 1 }, layers: [] }), 'MANIFEST_INVALID'],
    ['unknown blobs', JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST,
      config: { mediaType: 'x', digest: digestOf(Buffer.from('nope')), size: 4 }, layers: [] }),
    'MANIFEST_BLOB_UNKNOWN'],
  ])('rejects a manifest that is %s', async (_what, body, code) => {
    const put = await r('PUT', '/v2/bad/manifest/manifests/t',
      { headers: { 'Content-Type': OCI_MANIFEST }, body });
    expect(put.status).toBe(400);
    expect(put.json().errors[0].code).toBe(code);
  });

  it('rejects a manifest pushed under a digest it does not have', async () => {
    const put = await r('PUT', `/v2/bad/manifest/manifests/${digestOf(Buffer.from('x'))}`,
      { headers: { 'Content-Type': OCI_MANIFEST }, body: '{"schemaVersion":2}' });
    expect(put.json().errors[0].code).toMatch(/DIGEST_INVALID|MANIFEST_INVALID/);
  });

  it.each([
    ['/v2/Upper/manifests/t', 'NAME_INVALID'],
    [`/v2/${'a'.repeat(256)}/manifests/t`, 'NAME_INVALID'],
    ['/v2/a--/manifests/t', 'NAME_INVALID'],
    ['/v2/ok/manifests/-bad', 'TAG_INVALID'],
    [`/v2/ok/manifests/${'t'.repeat(129)}`, 'TAG_INVALID'],
    ['/v2/ok/blobs/sha256:abc', 'DIGEST_INVALID'],
    ['/v2/ok/referrers/md5:abc', 'DIGEST_INVALID'],
  ])('rejects %s with %s', async (path, code) => {
    const get = await r('GET', path);
    expect(get.status).toBe(400);
    expect(get.json().errors[0].code).toBe(code);
  });

  it.each([
    '/v2/../../etc/manifests/latest',
    '/v2/a/../b/manifests/latest',
    '/v2/a/%2e%2e/b/manifests/latest',
    '/v2/%2e%2e/blobs/uploads/',
    '/v2//abs/manifests/latest',
    '/v2/a%2fb/manifests/latest',
  ])('refuses the traversal %s', async (path) => {
    const reply = await rawStatus(server.host, path.includes('uploads') ? 'POST' : 'GET', path);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).errors[0].code).toBe('NAME_INVALID');
  });

  it('answers ranges with 206 and unsatisfiable ones with 416', async () => {
    const blob = Buffer.from('0123456789');
    await r('POST', `/v2/ok/range/blobs/uploads/?digest=${digestOf(blob)}`,
      { headers: octet, body: blob });
    const part = await r('GET', `/v2/ok/range/blobs/${digestOf(blob)}`,
      { headers: { Range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.body.toString()).toBe('2345');
    expect(part.headers.get('content-range')).toBe('bytes 2-5/10');
    const bad = await r('GET', `/v2/ok/range/blobs/${digestOf(blob)}`,
      { headers: { Range: 'bytes=20-30' } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe('bytes */10');
  });

  it('keeps a blob private to the repositories it was pushed or mounted to', async () => {
    const blob = Buffer.from('private');
    await r('POST', `/v2/ok/one/blobs/uploads/?digest=${digestOf(blob)}`,
      { headers: octet, body: blob });
    expect((await r('GET', `/v2/ok/two/blobs/${digestOf(blob)}`)).status).toBe(404);
  });

  it('stores one copy when many clients push the same blob at once', async () => {
    const blob = Buffer.alloc(256 * 1024, 7);
    const pushes = Array.from({ length: 12 }, (_v, i) =>
      r('POST', `/v2/ok/same${i % 3}/blobs/uploads/?digest=${digestOf(blob)}`,
        { headers: octet, body: blob }));
    expect((await Promise.all(pushes)).map((p) => p.status)).toEqual(Array(12).fill(201));
    for (const repo of ['same0', 'same1', 'same2']) {
      const get = await r('GET', `/v2/ok/${repo}/blobs/${digestOf(blob)}`);
      expect(get.body.equals(blob)).toBe(true);
    }

    const copies = (await filesUnder(join(server.dataDir, 'blobs')))
      .filter((f) => f.endsWith(digestOf(blob).slice(7)));
    expect(copies).toHaveLength(1);
    expect(await filesUnder(join(server.dataDir, 'tmp'))).toEqual([]);
  });

  it('survives a client that disconnects mid-upload: no blob, resumable, expires', async () => {
    const blob = Buffer.alloc(2 * 1024 * 1024, 3);
    const post = await r('POST', '/v2/ok/broken/blobs/uploads/');
    const location = post.headers.get('location') ?? '';
    await new Promise<void>((done) => {
      const [hostname, port] = server.host.split(':');
      const req = httpRequest({ hostname, port: Number(port), method: 'PATCH', path: location,
        headers: { ...octet, 'Content-Length': String(blob.length) } });
      req.on('error', () => done());
      req.write(blob.subarray(0, 512 * 1024), () => setTimeout(() => {
        req.destroy();
        done();
      }, 200));
    });
    await new Promise((done) => setTimeout(done, 200));
    const status = await r('GET', location);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-0');
    expect((await r('HEAD', `/v2/ok/broken/blobs/${digestOf(blob)}`)).status).toBe(404);

    const resumed = await r('PATCH', location, { headers: { ...octet, 'Content-Range':
      `0-${blob.length - 1}` }, body: blob });
    expect(resumed.status).toBe(202);
    const abandoned = await r('POST', '/v2/ok/broken/blobs/uploads/');
    const done = await r('PUT', `${location}?digest=${digestOf(blob)}`);
    expect(done.status).toBe(201);

    const later = new Date(Date.now() + 48 * 3600 * 1000);
    const result = await collectGarbage(server.registry, { now: later, graceMs: 3600_000,
      uploadExpiryMs: 24 * 3600_000 });
    expect(result.expiredUploads).toBeGreaterThanOrEqual(1);
    expect((await r('GET', abandoned.headers.get('location') ?? '')).status).toBe(404);
    expect(await filesUnder(join(server.dataDir, 'uploads'))).toEqual([]);
  });
});
