import { describe, expect, it } from 'vitest';
import { REGISTRY_NEEDS } from '../../testing/registry.js';
import { skipReason } from '../../testing/requirements.js';
import type { Descriptor } from '../types.js';
import { isBlob, isManifest, useFaultHarness } from '../../testing/registry-harness.js';
import type { Fault } from '../../testing/registry-proxy.js';

const skip = skipReason('registry content fault tests', REGISTRY_NEEDS);

async function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
  }

  return bytes;
}

describe.skipIf(skip)('registry content that does not match its digest or limits', () => {
  const h = useFaultHarness();
  const manifestPath = '/v2/moat/app/manifests/v1';

  it('rejects a blob with one flipped byte as DIGEST_MISMATCH', async () => {
    const layer = h.image.layers[1] as (typeof h.image.layers)[number];
    const corrupt: Fault = { kind: 'corrupt' };
    const source = await h.through((req) => (isBlob(layer.digest)(req) ? corrupt : undefined));
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
    const ref = byDigest ? `moat/app@${h.image.manifestDigest}` : 'moat/app:v1';
    const corrupt: Fault = { kind: 'corrupt' };
    const source = await h.through((req) => (isManifest(req) ? corrupt : undefined), ref);

    await expect(source.resolve()).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('rejects a config blob whose bytes changed', async () => {
    const source = await h.through((req) =>
      isBlob(h.image.configDigest)(req) ? { kind: 'corrupt' } : undefined,
    );

    await expect(source.resolve()).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('rejects a blob that ends early as SIZE_MISMATCH', async () => {
    const layer = h.image.layers[1] as (typeof h.image.layers)[number];
    const cut: Fault = { kind: 'truncate', bytes: 1000, cut: false };
    const source = await h.through((req) => (isBlob(layer.digest)(req) ? cut : undefined));
    const desc = (await source.resolve()).layers[1] as Descriptor;

    await expect(drain(await source.openBlob(desc))).rejects.toMatchObject({
      code: 'SIZE_MISMATCH',
    });
  });

  it('resumes a blob with a Range request after the connection is cut', async () => {
    const layer = h.image.layers[1] as (typeof h.image.layers)[number];
    const cut: Fault = { kind: 'truncate', bytes: 1000, cut: true };
    const source = await h.through((req, n) =>
      isBlob(layer.digest)(req) && n === 0 ? cut : undefined,
    );
    const desc = (await source.resolve()).layers[1] as Descriptor;

    expect(await drain(await source.openBlob(desc))).toBe(layer.size);
    const ranges = h.proxy?.seen.filter(isBlob(layer.digest)).map((r) => r.headers.range);
    expect(ranges).toHaveLength(2);
    expect(ranges?.[0]).toBeUndefined();
    expect(ranges?.[1]).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('gives up on a blob whose connection keeps breaking', async () => {
    const layer = h.image.layers[1] as (typeof h.image.layers)[number];
    const cut: Fault = { kind: 'truncate', bytes: 1000, cut: true };
    const source = await h.through((req) => (isBlob(layer.digest)(req) ? cut : undefined));
    const desc = (await source.resolve()).layers[1] as Descriptor;

    await expect(drain(await source.openBlob(desc))).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      message: expect.stringContaining('broke while reading'),
    });
    expect(h.proxy?.seen.filter(isBlob(layer.digest))).toHaveLength(4);
  });

  it('stops waiting for a stalled blob', async () => {
    const layer = h.image.layers[1] as (typeof h.image.layers)[number];
    const stall: Fault = { kind: 'stall', bytes: 100 };
    const source = await h.through(
      (req) => (isBlob(layer.digest)(req) ? stall : undefined),
      'moat/app:v1',
      { timeoutMs: 800 },
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
    const source = await h.through((req) => (req.path === manifestPath ? fault : undefined));

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringContaining('manifest v1'),
    });
  });
});
