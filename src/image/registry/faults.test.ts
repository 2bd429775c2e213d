import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltImage } from '../../testing/images.js';
import { REGISTRY_NEEDS, startRegistry, type TestRegistry } from '../../testing/registry.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import type { Descriptor } from '../types.js';
import { openRegistrySource, type RegistrySourceOptions } from './index.js';
import type { RetryInfo } from './transport.js';
import { buildSingleImage, skopeoPush } from './test-images.js';
import { startFaultProxy, type Fault, type FaultProxy, type SeenRequest } from './test-proxy.js';

const skip = skipReason('registry fault tests', REGISTRY_NEEDS);

async function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
  }

  return bytes;
}

describe.skipIf(skip)('registry failures behind a fault-injecting proxy', () => {
  let registry: TestRegistry;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let image: BuiltImage;
  let proxy: FaultProxy | undefined;
  let sleeps: number[];
  let retries: RetryInfo[];
  const manifestPath = '/v2/moat/app/manifests/v1';
  const isManifest = (r: SeenRequest) => r.path.startsWith('/v2/moat/app/manifests/');
  const isBlob = (digest: string) => (r: SeenRequest) => r.path === `/v2/moat/app/blobs/${digest}`;

  const through = async (
    fault: (req: SeenRequest, count: number) => Fault | undefined,
    ref = 'moat/app:v1',
    extra: RegistrySourceOptions = {},
  ) => {
    proxy = await startFaultProxy(registry.host, fault);
    const options: RegistrySourceOptions = {
      env: { HOME: temp.dir },
      sleep: async (ms) => void sleeps.push(ms),
      onRetry: (info) => retries.push(info),
      random: () => 1,
      ...extra,
    };
    return (await openRegistrySource(`${proxy.host}/${ref}`, options)).source;
  };

  beforeAll(async () => {
    temp = await makeTempDir('registry-faults');
    registry = await startRegistry();
    image = await buildSingleImage(temp.dir);
    const authFile = join(temp.dir, 'auth.json');
    await writeFile(authFile, '{}');
    await skopeoPush(image.reference, `${registry.host}/moat/app:v1`, { authFile });
  });

  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
    sleeps = [];
    retries = [];
  });

  afterAll(async () => {
    await registry?.stop();
    await temp?.cleanup();
  });

  beforeAll(() => {
    sleeps = [];
    retries = [];
  });

  it('waits out 429 with Retry-After and then succeeds', async () => {
    const tooMany: Fault = { kind: 'reply', status: 429, headers: { 'retry-after': '2' } };
    const source = await through((req, n) => (isManifest(req) && n < 2 ? tooMany : undefined));

    const resolved = await source.resolve();
    expect(resolved.manifestDigest).toBe(image.manifestDigest);
    expect(sleeps).toEqual([2000, 2000]);
    expect(retries.map((r) => r.reason)).toEqual(['status 429', 'status 429']);
  });

  it('gives up on 503 after a bounded number of attempts with backoff', async () => {
    const unavailable: Fault = { kind: 'reply', status: 503, body: 'down for maintenance' };
    const source = await through((req) => (isManifest(req) ? unavailable : undefined));

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      status: 503,
      message: expect.stringContaining('HTTP 503'),
    });
    expect(proxy?.seen.filter(isManifest)).toHaveLength(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('fails with TOO_MANY_REQUESTS at once when Retry-After is too long', async () => {
    const body = JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] });
    const fault: Fault = { kind: 'reply', status: 429, headers: { 'retry-after': '3600' }, body };
    const source = await through((req) => (isManifest(req) ? fault : undefined));

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: expect.stringContaining('TOOMANYREQUESTS: slow down'),
    });
    expect(sleeps).toEqual([]);
  });

  it('shows the registry error JSON for other failures without retrying', async () => {
    const body = JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'disk on fire\u0007' }] });
    const source = await through((req) =>
      isManifest(req) ? { kind: 'reply', status: 500, body } : undefined,
    );

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      message: expect.stringContaining('registry says: UNKNOWN: disk on fire '),
    });
    expect(proxy?.seen.filter(isManifest)).toHaveLength(1);
  });

  it('rejects a blob with one flipped byte as DIGEST_MISMATCH', async () => {
    const layer = image.layers[1] as (typeof image.layers)[number];
    const corrupt: Fault = { kind: 'corrupt' };
    const source = await through((req) => (isBlob(layer.digest)(req) ? corrupt : undefined));
    const resolved = await source.resolve();
    const desc = resolved.layers[1] as Descriptor;

    await expect(drain(await source.openBlob(desc))).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
  });

  it.each([
    ['by digest', true],
    ['by tag, against Docker-Content-Digest', false],
  ])('rejects a corrupted manifest %s', async (_how, byDigest) => {
    const ref = byDigest ? `moat/app@${image.manifestDigest}` : 'moat/app:v1';
    const corrupt: Fault = { kind: 'corrupt' };
    const source = await through((req) => (isManifest(req) ? corrupt : undefined), ref);

    await expect(source.resolve()).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('rejects a config blob whose bytes changed', async () => {
    const source = await through((req) =>
      isBlob(image.configDigest)(req) ? { kind: 'corrupt' } : undefined,
    );

    await expect(source.resolve()).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('rejects a blob that ends early as SIZE_MISMATCH', async () => {
    const layer = image.layers[1] as (typeof image.layers)[number];
    const cut: Fault = { kind: 'truncate', bytes: 1000, cut: false };
    const source = await through((req) => (isBlob(layer.digest)(req) ? cut : undefined));
    const desc = (await source.resolve()).layers[1] as Descriptor;

    await expect(drain(await source.openBlob(desc))).rejects.toMatchObject({
      code: 'SIZE_MISMATCH',
    });
  });

  it('reports a connection cut in the middle of a blob', async () => {
    const layer = image.layers[1] as (typeof image.layers)[number];
    const cut: Fault = { kind: 'truncate', bytes: 1000, cut: true };
    const source = await through((req) => (isBlob(layer.digest)(req) ? cut : undefined));
    const desc = (await source.resolve()).layers[1] as Descriptor;

    await expect(drain(await source.openBlob(desc))).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      message: expect.stringContaining('broke while reading'),
    });
  });

  it('stops waiting for a stalled blob', async () => {
    const layer = image.layers[1] as (typeof image.layers)[number];
    const stall: Fault = { kind: 'stall', bytes: 100 };
    const source = await through(
      (req) => (isBlob(layer.digest)(req) ? stall : undefined),
      'moat/app:v1',
      { timeoutMs: 300 },
    );
    const desc = (await source.resolve()).layers[1] as Descriptor;

    await expect(drain(await source.openBlob(desc))).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      message: expect.stringContaining('stalled'),
    });
  });

  it.each([
    ['with Content-Length', false],
    ['chunked', true],
  ])('refuses an oversized manifest (%s)', async (_how, chunked) => {
    const huge = Buffer.alloc(5 * 1024 * 1024, 0x20);
    const fault: Fault = { kind: 'replace', body: huge, chunked };
    const source = await through((req) => (req.path === manifestPath ? fault : undefined));

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringContaining('manifest v1'),
    });
  });

  it('refuses a redirect to plain HTTP on a non-loopback host before connecting', async () => {
    const layer = image.layers[0] as (typeof image.layers)[number];
    const redirect: Fault = {
      kind: 'reply',
      status: 307,
      headers: { location: 'http://blobs.example.com/layer' },
    };
    const urls: string[] = [];
    const spy: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    const source = await through(
      (req) => (isBlob(layer.digest)(req) ? redirect : undefined),
      'moat/app:v1',
      { fetch: spy },
    );
    const desc = (await source.resolve()).layers[0] as Descriptor;

    await expect(source.openBlob(desc)).rejects.toMatchObject({ code: 'INSECURE_TRANSPORT' });
    expect(urls.some((u) => u.includes('example.com'))).toBe(false);
  });

  it('refuses a plain-HTTP token realm on a non-loopback host', async () => {
    const challenge: Fault = {
      kind: 'reply',
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="http://auth.example.com/token",service="x"' },
    };
    const source = await through((req) => (isManifest(req) ? challenge : undefined));

    await expect(source.resolve()).rejects.toMatchObject({ code: 'INSECURE_TRANSPORT' });
  });

  it('uses plain HTTP for a non-loopback registry only when insecure', async () => {
    const urls: string[] = [];
    const spy: typeof fetch = async (input) => {
      urls.push(String(input));
      throw new Error('no network in tests');
    };
    const { source } = await openRegistrySource('registry.example.com/app:v1', {
      env: { HOME: temp.dir },
      fetch: spy,
      retry: { maxAttempts: 1 },
    });

    await expect(source.resolve()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    const insecure = await openRegistrySource('registry.example.com/app:v1', {
      env: { HOME: temp.dir },
      fetch: spy,
      retry: { maxAttempts: 1 },
      insecure: true,
    });
    await expect(insecure.source.resolve()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(urls).toEqual([
      'https://registry.example.com/v2/app/manifests/v1',
      'http://registry.example.com/v2/app/manifests/v1',
    ]);
  });

  it('stops after too many redirects', async () => {
    const loop: Fault = { kind: 'reply', status: 302, headers: { location: manifestPath } };
    const source = await through((req) => (isManifest(req) ? loop : undefined));

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'PROTOCOL_ERROR',
      message: expect.stringContaining('redirected more than 5 times'),
    });
  });

  it('retries a refused connection, then says the registry cannot be reached', async () => {
    const closed = await startFaultProxy(registry.host, () => undefined);
    await closed.stop();
    const { source } = await openRegistrySource(`${closed.host}/moat/app:v1`, {
      env: { HOME: temp.dir },
      sleep: async (ms) => void sleeps.push(ms),
    });

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      message: expect.stringContaining('after 4 attempts (ECONNREFUSED)'),
    });
    expect(sleeps).toHaveLength(3);
  });
});
