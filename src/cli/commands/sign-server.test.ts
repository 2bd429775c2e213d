// `moat sign` into the Moat server, which implements the referrers API: the signature is
// listed as a referrer of the image, and `moat verify` finds it there even without the tag.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from '../../server/__tests__/harness.js';
import { pushToRegistry } from '../../testing/image-export.js';
import { buildImage, type BuiltImage } from '../../testing/images.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { runMoat } from '../../access/__tests__/cli.js';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runMoat(args, '', env);

const SIG_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const needs = skipReason('signing into the Moat server', { tools: ['skopeo'] });

describe.skipIf(needs)('moat sign and verify on the Moat server', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let server: TestServer;
  let image: BuiltImage;
  let repo = '';
  const env = { COSIGN_PASSWORD: '' };

  beforeAll(async () => {
    temp = await makeTempDir('sign-server');
    server = await startTestServer();
    image = await buildImage(join(temp.dir, 'a'), {
      tag: 'v1',
      layers: [{ files: { 'etc/os-release': 'ID=referred\n' } }],
    });
    await pushToRegistry(image, server.host, 'payments/app');
    repo = `${server.host}/payments/app`;
    const keys = await run(['key', 'generate', '--output-prefix', join(temp.dir, 'cosign')], env);
    expect(keys.code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await server.stop();
    await temp.cleanup();
  });

  it('lists the signature as a referrer and verifies through it alone', async () => {
    const signed = await run(['sign', `${repo}:v1`, '--key', join(temp.dir, 'cosign.key'),
      '--format', 'json'], env);
    expect(signed.code).toBe(0);
    const outcome = JSON.parse(signed.out) as { referrer: string; signatureManifest: string };
    expect(outcome).toMatchObject({ referrerIndexed: true, digest: image.manifestDigest });

    const filter = `artifactType=${encodeURIComponent(SIG_TYPE)}`;
    const listed = await call(server.url, 'GET',
      `/v2/payments/app/referrers/${image.manifestDigest}?${filter}`);
    expect(listed.status).toBe(200);
    expect((listed.json() as { manifests: unknown[] }).manifests).toEqual([
      expect.objectContaining({ digest: outcome.referrer, artifactType: SIG_TYPE }),
    ]);

    const removed = await call(server.url, 'DELETE',
      `/v2/payments/app/manifests/${outcome.signatureManifest}`);
    expect(removed.status).toBe(202);

    const verified = await run(['verify', `${repo}:v1`, '--key', join(temp.dir, 'cosign.pub'),
      '--format', 'json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({
      verified: true,
      signatures: [{ source: outcome.referrer, verified: true }],
    });
  }, 60_000);

  it('lists an SBOM attestation as a DSSE referrer', async () => {
    const attested = await run(['attest', `${repo}:v1`, '--type', 'sbom', '--key',
      join(temp.dir, 'cosign.key'), '--format', 'json'], env);
    expect(attested.code).toBe(0);
    const outcome = JSON.parse(attested.out) as { referrer: string };
    expect(outcome).toMatchObject({ referrerIndexed: true });

    const dsse = 'application/vnd.dsse.envelope.v1+json';
    const listed = await call(server.url, 'GET', `/v2/payments/app/referrers/` +
      `${image.manifestDigest}?artifactType=${encodeURIComponent(dsse)}`);
    expect((listed.json() as { manifests: unknown[] }).manifests).toEqual([
      expect.objectContaining({ digest: outcome.referrer, artifactType: dsse }),
    ]);
  }, 60_000);
});
