// `moat verify-attestation` end to end against the Moat server: an attestation counts only
// when its DSSE signature verifies with the key, it is about the exact digest, and its
// predicate type is the one asked for; forged envelopes planted beside the image never count.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistryWriter } from '../../image/registry/push.js';
import { startTestServer, type TestServer } from '../../server/__tests__/harness.js';
import { pushToRegistry } from '../../testing/image-export.js';
import { buildImage, type BuiltImage } from '../../testing/images.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { PREDICATE_TYPES, attachEnvelope } from '../../trust/attest-image.js';
import { IN_TOTO_PAYLOAD_TYPE, inTotoStatement, signEnvelope } from '../../trust/dsse.js';
import { decryptPrivateKey, generateKeyPair, publicKeyPem } from '../../trust/keys.js';
import { runMoat } from '../../access/__tests__/cli.js';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runMoat(args, '', env);

interface Report {
  verified: boolean;
  digest: string;
  attestations: Array<{ verified: boolean; reason?: string; source: string }>;
  statements: Array<{ subject: Array<{ digest: { sha256: string } }>; predicateType: string;
    predicate: { bomFormat?: string } }>;
}

const needs = skipReason('verifying attestations on the Moat server', { tools: ['skopeo'] });

describe.skipIf(needs)('moat verify-attestation on the Moat server', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let server: TestServer;
  const images: Record<string, BuiltImage> = {};
  let repo = '';
  const env = { COSIGN_PASSWORD: 'pw' };
  const key = () => join(temp.dir, 'k.pub');

  beforeAll(async () => {
    temp = await makeTempDir('verify-att');
    server = await startTestServer();
    for (const tag of ['good', 'forged']) {
      images[tag] = await buildImage(join(temp.dir, tag), {
        tag,
        layers: [{ files: {
          'etc/os-release': 'ID=debian\nVERSION_ID="12"\n',
          'etc/name': `${tag}\n`,
        } }],
      });
      await pushToRegistry(images[tag], server.host, 'bank/att');
    }

    repo = `${server.host}/bank/att`;
    expect((await run(['key', 'generate', '--output-prefix', join(temp.dir, 'k')], env)).code)
      .toBe(0);
    const other = generateKeyPair();
    await writeFile(join(temp.dir, 'other.pub'), publicKeyPem(other.publicKey));

    const attested = await run(['attest', `${repo}:good`, '--type', 'sbom', '--key',
      join(temp.dir, 'k.key')], env);
    expect(attested.code).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await server.stop();
    await temp.cleanup();
  });

  it('verifies the SBOM attestation of the exact digest and prints the statement', async () => {
    const result = await run(['verify-attestation', `${repo}:good`, '--key', key(),
      '--type', 'sbom', '--format', 'json']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out) as Report;
    expect(report.verified).toBe(true);
    expect(report.digest).toBe(images.good?.manifestDigest);
    expect(report.statements).toHaveLength(1);
    expect(report.statements[0]).toMatchObject({
      predicateType: PREDICATE_TYPES.sbom,
      subject: [{ digest: { sha256: images.good?.manifestDigest.slice(7) } }],
      predicate: { bomFormat: 'CycloneDX' },
    });
    // Found both under the .att tag and as a referrer, counted once.
    expect(report.attestations).toHaveLength(1);
  }, 60_000);

  it('accepts the predicate type given as a URI and prints a text summary', async () => {
    const result = await run(['verify-attestation', `${repo}:good`, '--key', key(),
      '--type', PREDICATE_TYPES.sbom]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Verified attestations for .*@sha256:/);
    expect(result.out).toContain(`ok   sha256:`);
  });

  it('fails with exit 1 for another predicate type', async () => {
    const result = await run(['verify-attestation', `${repo}:good`, '--key', key(),
      '--type', 'vuln', '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as Report;
    expect(report.statements).toEqual([]);
    expect(report.attestations[0]?.reason).toMatch(/predicate type is .*cyclonedx/);
  });

  it('fails with exit 1 for another key', async () => {
    const result = await run(['verify-attestation', `${repo}:good`, '--key',
      join(temp.dir, 'other.pub'), '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as Report;
    expect(report.attestations[0]?.reason).toMatch(/no signature .* verifies/);
  });

  it('rejects a tampered payload and a statement about another digest', async () => {
    const pem = await readFile(join(temp.dir, 'k.key'), 'utf8');
    const privateKey = decryptPrivateKey(pem, env.COSIGN_PASSWORD);
    const store = openRegistryWriter(repo, { env: {} });
    const subject = await store.getManifest({ tag: 'forged' });
    expect(subject).toBeDefined();
    const forged = subject?.descriptor;
    if (forged === undefined) {
      return;
    }

    // Signed over one predicate, then the payload swapped for another.
    const honest = inTotoStatement(store.repositoryName, forged.digest, PREDICATE_TYPES.vuln,
      { scanner: { result: { findings: [{ id: 'CVE-2024-0001' }] } } });
    const tampered = signEnvelope(privateKey, IN_TOTO_PAYLOAD_TYPE, honest);
    tampered.payload = inTotoStatement(store.repositoryName, forged.digest,
      PREDICATE_TYPES.vuln, { scanner: { result: { findings: [] } } }).toString('base64');
    await attachEnvelope(store, forged, tampered, PREDICATE_TYPES.vuln);

    // Correctly signed, but about the other image: replayed onto this one.
    const elsewhere = signEnvelope(privateKey, IN_TOTO_PAYLOAD_TYPE, inTotoStatement(
      store.repositoryName, images.good?.manifestDigest ?? '', PREDICATE_TYPES.vuln, {}));
    await attachEnvelope(store, forged, elsewhere, PREDICATE_TYPES.vuln);

    const result = await run(['verify-attestation', `${repo}:forged`, '--key', key(),
      '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as Report;
    expect(report.verified).toBe(false);
    expect(report.statements).toEqual([]);
    expect(report.attestations.map((a) => a.reason)).toEqual([
      expect.stringMatching(/no signature on the attestation verifies/),
      expect.stringMatching(new RegExp(`is about .*${images.good?.manifestDigest.slice(7)}.*` +
        `not ${forged.digest}`)),
    ]);
  }, 60_000);

  it('exits 2 for an image that does not exist and for a bad --type', async () => {
    const missing = await run(['verify-attestation', `${repo}:absent`, '--key', key()]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no image absent/);
    const bad = await run(['verify-attestation', `${repo}:good`, '--key', key(), '--type',
      'spdx json']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/neither sbom, vuln nor a predicate type URI/);
  });
});
