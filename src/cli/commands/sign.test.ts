// `moat key generate`, `moat sign` and `moat verify` end to end against the reference
// registry (distribution 2.8, which has no referrers API), read back with skopeo.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../../image/digest.js';
import { pushToRegistry, skopeoInspect } from '../../testing/image-export.js';
import { buildImage, type BuiltImage } from '../../testing/images.js';
import { buildMultiArchLayout, skopeoPush } from '../../testing/registry-images.js';
import { REGISTRY_NEEDS, startRegistry, type TestRegistry } from '../../testing/registry.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { formatPayload } from '../../trust/payload.js';
import { runMoat } from '../../access/__tests__/cli.js';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runMoat(args, '', env);

const needs = skipReason('signing against a registry', REGISTRY_NEEDS);

describe.skipIf(needs)('moat sign and verify on the reference registry', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let registry: TestRegistry;
  let image: BuiltImage;
  let repo = '';
  let key = '';
  let pub = '';
  let otherPub = '';
  const env = { COSIGN_PASSWORD: 'hunter2' };

  beforeAll(async () => {
    temp = await makeTempDir('sign');
    registry = await startRegistry();
    image = await buildImage(join(temp.dir, 'a'), {
      tag: 'v1',
      layers: [{ files: { 'etc/os-release': 'ID=signed\n' } }],
    });
    await pushToRegistry(image, registry.host, 'payments/ledger');
    repo = `${registry.host}/payments/ledger`;
    for (const prefix of ['cosign', 'other']) {
      const result = await run(['key', 'generate', '--output-prefix', join(temp.dir, prefix)],
        env);
      expect(result.code).toBe(0);
    }

    key = join(temp.dir, 'cosign.key');
    pub = join(temp.dir, 'cosign.pub');
    otherPub = join(temp.dir, 'other.pub');
  }, 120_000);

  afterAll(async () => {
    await registry.stop();
    await temp.cleanup();
  });

  it('signs the digest a tag resolves to, and verifies by tag and by digest', async () => {
    const signed = await run(['sign', `${repo}:v1`, '--key', key, '--format', 'json'], env);
    expect(signed.err).toBe('');
    expect(signed.code).toBe(0);
    const outcome = JSON.parse(signed.out) as Record<string, unknown>;
    expect(outcome).toMatchObject({
      repository: repo,
      digest: image.manifestDigest,
      signatureTag: `sha256-${image.manifestDigest.slice(7)}.sig`,
      referrerIndexed: false,
      alreadySigned: false,
    });

    for (const ref of [`${repo}:v1`, `${repo}@${image.manifestDigest}`]) {
      const verified = await run(['verify', ref, '--key', pub]);
      expect(verified.code).toBe(0);
      expect(verified.out).toContain(`Verified ${repo}@${image.manifestDigest}`);
    }
  });

  it('stores the signature exactly in cosign\'s shape', async () => {
    const tag = `sha256-${image.manifestDigest.slice(7)}.sig`;
    const raw = await skopeoInspect(`docker://${repo}:${tag}`, 'raw', ['--tls-verify=false']);
    const payload = formatPayload({
      dockerReference: repo,
      manifestDigest: image.manifestDigest,
      optional: null,
    });
    expect(raw).toMatchObject({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json' },
    });
    const layers = raw.layers as Array<Record<string, unknown>>;
    expect(layers).toHaveLength(1);
    expect(layers[0]).toEqual({
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      size: payload.length,
      digest: digestOf(payload),
      annotations: { 'dev.cosignproject.cosign/signature': expect.stringMatching(/^ME[QUY]/) },
    });
  });

  it('appends a second signature instead of replacing the first', async () => {
    const again = await run(['sign', `${repo}:v1`, '--key', key, '-a', 'build=42'], env);
    expect(again.code).toBe(0);
    const tag = `sha256-${image.manifestDigest.slice(7)}.sig`;
    const raw = await skopeoInspect(`docker://${repo}:${tag}`, 'raw', ['--tls-verify=false']);
    expect(raw.layers).toHaveLength(2);

    const verified = await run(['verify', `${repo}:v1`, '--key', pub, '--format', 'json']);
    expect(verified.code).toBe(0);
    const outcome = JSON.parse(verified.out) as { signatures: Array<Record<string, unknown>> };
    expect(outcome.signatures.map((s) => s.verified)).toEqual([true, true]);
    expect(outcome.signatures[1]).toMatchObject({ annotations: { build: '42' } });
  });

  it('fails the policy with another key', async () => {
    const result = await run(['verify', `${repo}:v1`, '--key', otherPub, '--format', 'json']);
    expect(result.code).toBe(1);
    const outcome = JSON.parse(result.out) as { verified: boolean; signatures: unknown[] };
    expect(outcome.verified).toBe(false);
    expect(outcome.signatures).toEqual([
      expect.objectContaining({
        verified: false,
        reason: expect.stringMatching(/does not verify/) as unknown,
      }),
      expect.objectContaining({ verified: false }),
    ]);
  });

  it('fails by tag once the tag moves to another image, and still verifies the old digest',
    async () => {
      const moved = await buildImage(join(temp.dir, 'b'), {
        tag: 'v1',
        layers: [{ files: { 'etc/os-release': 'ID=swapped\n' } }],
      });
      await pushToRegistry(moved, registry.host, 'payments/ledger');

      const byTag = await run(['verify', `${repo}:v1`, '--key', pub]);
      expect(byTag.code).toBe(1);
      expect(byTag.out).toContain(`No valid signature for ${repo}@${moved.manifestDigest}`);
      expect(byTag.out).toContain('no signatures found');

      const byDigest = await run(['verify', `${repo}@${image.manifestDigest}`, '--key', pub]);
      expect(byDigest.code).toBe(0);
    }, 60_000);

  it('rejects a wrong password and a missing image as errors', async () => {
    const wrong = await run(['sign', `${repo}:v1`, '--key', key], { COSIGN_PASSWORD: 'nope' });
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/wrong password/);

    const missing = await run(['verify', `${repo}:nosuchtag`, '--key', pub]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no image nosuchtag/);

    const notAKey = join(temp.dir, 'not-a-key.pub');
    await writeFile(notAKey, 'hello');
    const badKey = await run(['verify', `${repo}:v1`, '--key', notAKey]);
    expect(badKey.code).toBe(2);
    expect(badKey.err).toMatch(/KEY_INVALID/);
  });
});

describe.skipIf(needs)('moat sign on a multi-platform image', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let registry: TestRegistry;

  beforeAll(async () => {
    temp = await makeTempDir('sign-index');
    registry = await startRegistry();
  });

  afterAll(async () => {
    await registry.stop();
    await temp.cleanup();
  });

  it('signs the index digest, which then verifies by tag and not per platform', async () => {
    const { layout, indexDigest, images } = await buildMultiArchLayout(temp.dir);
    const authFile = join(temp.dir, 'auth.json');
    await writeFile(authFile, '{}');
    const repo = `${registry.host}/multi/app`;
    await skopeoPush(`oci:${layout}:multi`, `${repo}:multi`, { authFile, all: true });
    await run(['key', 'generate', '--output-prefix', join(temp.dir, 'k')], { COSIGN_PASSWORD: '' });

    const signed = await run(['sign', `${repo}:multi`, '--key', join(temp.dir, 'k.key'),
      '--format', 'json'], { COSIGN_PASSWORD: '' });
    expect(signed.code).toBe(0);
    expect(JSON.parse(signed.out)).toMatchObject({ digest: indexDigest });

    const pub = join(temp.dir, 'k.pub');
    expect((await run(['verify', `${repo}:multi`, '--key', pub])).code).toBe(0);
    const platform = images.amd64?.manifestDigest ?? '';
    expect((await run(['verify', `${repo}@${platform}`, '--key', pub])).code).toBe(1);
  }, 120_000);
});
