// Docker v2 schema 2 manifests and manifest lists, indexes that must find their children, and
// sha512 digests, over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../image/digest.js';
import { MediaType } from '../image/media-types.js';
import { call, startTestServer, type TestServer } from './__tests__/harness.js';

const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}');
const layer = Buffer.from('docker layer');
const image = Buffer.from(JSON.stringify({
  schemaVersion: 2, mediaType: MediaType.dockerManifest,
  config: { mediaType: MediaType.dockerConfig, digest: digestOf(config), size: config.length },
  layers: [{ mediaType: MediaType.dockerLayerGzip, digest: digestOf(layer), size: layer.length }],
}));
const listOf = (digest: string, size: number) => Buffer.from(JSON.stringify({
  schemaVersion: 2, mediaType: MediaType.dockerManifestList,
  manifests: [{ mediaType: MediaType.dockerManifest, digest, size,
    platform: { architecture: 'amd64', os: 'linux' } }],
}));

describe('manifest types', () => {
  let server: TestServer;
  const r = (method: string, path: string, init?: Parameters<typeof call>[3]) =>
    call(server.url, method, path, init);
  const put = (ref: string, body: Buffer, type: string) =>
    r('PUT', `/v2/docker/app/manifests/${ref}`, { headers: { 'Content-Type': type }, body });

  beforeAll(async () => {
    server = await startTestServer();
    for (const blob of [config, layer]) {
      await r('POST', `/v2/docker/app/blobs/uploads/?digest=${digestOf(blob)}`,
        { headers: { 'Content-Type': 'application/octet-stream' }, body: blob });
    }
  });
  afterAll(() => server.stop());

  it('stores a Docker v2 schema 2 manifest and its manifest list', async () => {
    expect((await put('amd64', image, MediaType.dockerManifest)).status).toBe(201);
    const list = listOf(digestOf(image), image.length);
    const pushed = await put('multi', list, MediaType.dockerManifestList);
    expect(pushed.status).toBe(201);
    expect(pushed.headers.get('docker-content-digest')).toBe(digestOf(list));

    const got = await r('GET', '/v2/docker/app/manifests/multi');
    expect(got.headers.get('content-type')).toBe(MediaType.dockerManifestList);
    expect(got.body.equals(list)).toBe(true);
  });

  it('refuses a list whose manifests are not in the repository', async () => {
    const missing = listOf(digestOf(Buffer.from('absent')), 6);
    const pushed = await put('broken', missing, MediaType.dockerManifestList);
    expect(pushed.status).toBe(400);
    expect(pushed.json().errors[0].code).toBe('MANIFEST_BLOB_UNKNOWN');
  });

  it('refuses a Content-Type that contradicts the manifest', async () => {
    const pushed = await put('liar', image, MediaType.ociIndex);
    expect(pushed.json().errors[0].code).toBe('MANIFEST_INVALID');
  });

  it('accepts a manifest addressed by its sha512 digest', async () => {
    const digest = digestOf(image, 'sha512');
    expect((await put(digest, image, MediaType.dockerManifest)).status).toBe(201);
    const got = await r('GET', `/v2/docker/app/manifests/${digest}`);
    expect(got.headers.get('docker-content-digest')).toBe(digest);
  });
});
