import { describe, expect, it } from 'vitest';
import { REGISTRY_NEEDS } from '../../testing/registry.js';
import { skipReason } from '../../testing/requirements.js';
import { openRegistrySource } from './index.js';
import type { Descriptor } from '../types.js';
import { isBlob, isManifest, useFaultHarness } from '../../testing/registry-harness.js';
import { startFaultProxy, type Fault } from '../../testing/registry-proxy.js';

const skip = skipReason('registry transport fault tests', REGISTRY_NEEDS);

describe.skipIf(skip)('registry transport failures behind a fault-injecting proxy', () => {
  const h = useFaultHarness();
  const manifestPath = '/v2/moat/app/manifests/v1';

  it('waits out 429 with Retry-After and then succeeds', async () => {
    const tooMany: Fault = { kind: 'reply', status: 429, headers: { 'retry-after': '2' } };
    const source = await h.through((req, n) => (isManifest(req) && n < 2 ? tooMany : undefined));

    const resolved = await source.resolve();
    expect(resolved.manifestDigest).toBe(h.image.manifestDigest);
    expect(h.sleeps).toEqual([2000, 2000]);
    expect(h.retries.map((r) => r.reason)).toEqual(['status 429', 'status 429']);
  });

  it('retries a connection reset and then succeeds', async () => {
    const reset: Fault = { kind: 'reset' };
    const source = await h.through((req, n) => (isManifest(req) && n === 0 ? reset : undefined));

    expect((await source.resolve()).manifestDigest).toBe(h.image.manifestDigest);
    expect(h.retries).toHaveLength(1);
    expect(h.sleeps).toEqual([500]);
  });

  it('gives up on 503 after a bounded number of attempts with backoff', async () => {
    const unavailable: Fault = { kind: 'reply', status: 503, body: 'down for maintenance' };
    const source = await h.through((req) => (isManifest(req) ? unavailable : undefined));

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      status: 503,
      message: expect.stringContaining('HTTP 503'),
    });
    expect(h.proxy?.seen.filter(isManifest)).toHaveLength(4);
    expect(h.sleeps).toEqual([500, 1000, 2000]);
  });

  it('fails with TOO_MANY_REQUESTS at once when Retry-After is too long', async () => {
    const body = JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] });
    const fault: Fault = { kind: 'reply', status: 429, headers: { 'retry-after': '3600' }, body };
    const source = await h.through((req) => (isManifest(req) ? fault : undefined));

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: expect.stringContaining('TOOMANYREQUESTS: slow down'),
    });
    expect(h.sleeps).toEqual([]);
  });

  it('shows the registry error JSON for other failures without retrying', async () => {
    const body = JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'disk on fire\u0007' }] });
    const source = await h.through((req) =>
      isManifest(req) ? { kind: 'reply', status: 500, body } : undefined,
    );

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      message: expect.stringContaining('registry says: UNKNOWN: disk on fire '),
    });
    expect(h.proxy?.seen.filter(isManifest)).toHaveLength(1);
  });

  it('refuses a redirect to plain HTTP on a non-loopback host before connecting', async () => {
    const layer = h.image.layers[0] as (typeof h.image.layers)[number];
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
    const source = await h.through(
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
    const source = await h.through((req) => (isManifest(req) ? challenge : undefined));

    await expect(source.resolve()).rejects.toMatchObject({ code: 'INSECURE_TRANSPORT' });
  });

  it('uses plain HTTP for a non-loopback registry only when insecure', async () => {
    const urls: string[] = [];
    const spy: typeof fetch = async (input) => {
      urls.push(String(input));
      throw new Error('no network in tests');
    };
    const { source } = await openRegistrySource('registry.example.com/app:v1', {
      env: { HOME: h.temp },
      fetch: spy,
      retry: { maxAttempts: 1 },
    });

    await expect(source.resolve()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    const insecure = await openRegistrySource('registry.example.com/app:v1', {
      env: { HOME: h.temp },
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
    const source = await h.through((req) => (isManifest(req) ? loop : undefined));

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'PROTOCOL_ERROR',
      message: expect.stringContaining('redirected more than 5 times'),
    });
  });

  it('retries a refused connection, then says the registry cannot be reached', async () => {
    const closed = await startFaultProxy(h.registry.host, () => undefined);
    await closed.stop();
    const { source } = await openRegistrySource(`${closed.host}/moat/app:v1`, {
      env: { HOME: h.temp },
      sleep: async (ms) => void h.sleeps.push(ms),
    });

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      message: expect.stringContaining('after 4 attempts (ECONNREFUSED)'),
    });
    expect(h.sleeps).toHaveLength(3);
  });
});
