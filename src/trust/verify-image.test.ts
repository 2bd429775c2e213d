// Forged and replayed signature artifacts in a real registry: none of them may verify.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaType } from '../image/media-types.js';
import { openRegistryWriter, type RegistryWriter } from '../image/registry/push.js';
import { pushToRegistry } from '../testing/image-export.js';
import { buildImage, type BuiltImage } from '../testing/images.js';
import { REGISTRY_NEEDS, startRegistry, type TestRegistry } from '../testing/registry.js';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import {
  SIMPLE_SIGNING_MEDIA_TYPE,
  signatureConfig,
  signatureManifest,
  signatureTag,
  type SignatureLayer,
} from './artifact.js';
import { generateKeyPair } from './keys.js';
import { signManifest } from './signature.js';
import { verifyImage } from './verify-image.js';

const needs = skipReason('verifying against a registry', REGISTRY_NEEDS);

describe.skipIf(needs)('verifyImage with forged artifacts', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let registry: TestRegistry;
  const images: BuiltImage[] = [];
  let store: RegistryWriter;
  const { privateKey, publicKey } = generateKeyPair();

  beforeAll(async () => {
    temp = await makeTempDir('verify-forged');
    registry = await startRegistry();
    for (const tag of ['a', 'b']) {
      const image = await buildImage(join(temp.dir, tag), {
        tag,
        layers: [{ files: { 'etc/name': `${tag}\n` } }],
      });
      await pushToRegistry(image, registry.host, 'bank/app');
      images.push(image);
    }

    store = openRegistryWriter(`${registry.host}/bank/app`, { env: {} });
  }, 120_000);

  afterAll(async () => {
    await registry.stop();
    await temp.cleanup();
  });

  // Writes `.sig` for `target` holding the given payload/signature pairs.
  async function plant(target: string, pairs: Array<{ payload: Buffer; signature: string }>) {
    const layers: SignatureLayer[] = [];
    for (const pair of pairs) {
      const payload = await store.pushBlob(pair.payload, SIMPLE_SIGNING_MEDIA_TYPE);
      layers.push({ payload, signature: pair.signature });
    }

    const config = await store.pushBlob(signatureConfig(layers), MediaType.ociConfig);
    await store.putManifest(signatureTag(target), signatureManifest(config, layers),
      MediaType.ociManifest);
  }

  const digestOf = (i: number) => (images[i] as BuiltImage).manifestDigest;

  it('finds no signature when there is no .sig tag', async () => {
    const outcome = await verifyImage(store, { tag: 'a' }, publicKey);
    expect(outcome).toEqual({ digest: digestOf(0), verified: false, signatures: [] });
  });

  it('does not accept a signature of another image copied under this one', async () => {
    await plant(digestOf(1), [signManifest(privateKey, store.repositoryName, digestOf(0))]);
    const outcome = await verifyImage(store, { tag: 'b' }, publicKey);
    expect(outcome.verified).toBe(false);
    expect(outcome.signatures[0]?.reason).toMatch(/is for sha256:/);
  });

  it('does not accept a signature moved onto another payload', async () => {
    const good = signManifest(privateKey, store.repositoryName, digestOf(0));
    const other = signManifest(privateKey, 'elsewhere/app', digestOf(0));
    await plant(digestOf(0), [{ payload: good.payload, signature: other.signature }]);
    const outcome = await verifyImage(store, { digest: digestOf(0) }, publicKey);
    expect(outcome.verified).toBe(false);
    expect(outcome.signatures[0]?.reason).toMatch(/does not verify/);
  });

  it('verifies when one good signature sits among bad ones', async () => {
    const good = signManifest(privateKey, store.repositoryName, digestOf(0));
    const forged = { payload: good.payload, signature: Buffer.alloc(70, 1).toString('base64') };
    await plant(digestOf(0), [forged, good]);
    const outcome = await verifyImage(store, { tag: 'a' }, publicKey);
    expect(outcome.verified).toBe(true);
    expect(outcome.signatures.map((s) => s.verified)).toEqual([false, true]);
  });
});
