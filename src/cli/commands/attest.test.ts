// `moat attest` end to end against the reference registry: the SBOM attestation lands under
// the `.att` tag in cosign's shape, and its DSSE envelope opens with the public key.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistryWriter } from '../../image/registry/push.js';
import { pushToRegistry, skopeoInspect } from '../../testing/image-export.js';
import { buildImage, type BuiltImage } from '../../testing/images.js';
import { REGISTRY_NEEDS, startRegistry, type TestRegistry } from '../../testing/registry.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { openEnvelope, type DsseEnvelope } from '../../trust/dsse.js';
import { parsePublicKey } from '../../trust/keys.js';
import { runMoat } from '../../access/__tests__/cli.js';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runMoat(args, '', env);

const needs = skipReason('attesting against a registry', REGISTRY_NEEDS);

describe.skipIf(needs)('moat attest on the reference registry', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let registry: TestRegistry;
  let image: BuiltImage;
  let repo = '';
  const env = { COSIGN_PASSWORD: 'pw' };

  beforeAll(async () => {
    temp = await makeTempDir('attest');
    registry = await startRegistry();
    image = await buildImage(join(temp.dir, 'a'), {
      tag: 'v1',
      layers: [{ files: {
        'etc/os-release': 'ID=debian\nVERSION_ID="12"\n',
        'var/lib/dpkg/status': 'Package: zlib1g\nStatus: install ok installed\n' +
          'Architecture: amd64\nVersion: 1:1.2.13.dfsg-1\n\n',
      } }],
    });
    await pushToRegistry(image, registry.host, 'bank/attested');
    repo = `${registry.host}/bank/attested`;
    expect((await run(['key', 'generate', '--output-prefix', join(temp.dir, 'k')], env)).code)
      .toBe(0);
  }, 120_000);

  afterAll(async () => {
    await registry.stop();
    await temp.cleanup();
  });

  it('attests the SBOM of the exact digest in cosign\'s .att shape', async () => {
    const result = await run(['attest', `${repo}:v1`, '--type', 'sbom', '--key',
      join(temp.dir, 'k.key'), '--format', 'json'], env);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);

    const tag = `sha256-${image.manifestDigest.slice(7)}.att`;
    const raw = await skopeoInspect(`docker://${repo}:${tag}`, 'raw', ['--tls-verify=false']);
    const layers = raw.layers as Array<{ mediaType: string; digest: string; size: number;
      annotations: Record<string, string> }>;
    expect(layers).toHaveLength(1);
    expect(layers[0]).toMatchObject({
      mediaType: 'application/vnd.dsse.envelope.v1+json',
      annotations: { 'dev.cosignproject.cosign/signature': '',
        predicateType: 'https://cyclonedx.org/bom' },
    });

    const store = openRegistryWriter(repo, { env: {} });
    const blob = await store.getBlob(layers[0] as never, 1 << 20);
    const envelope = JSON.parse(blob.toString()) as DsseEnvelope;
    const pub = parsePublicKey(await readFile(join(temp.dir, 'k.pub'), 'utf8'));
    const statement = JSON.parse(openEnvelope(pub, envelope).toString()) as {
      subject: Array<{ digest: { sha256: string } }>;
      predicate: { bomFormat: string; components?: Array<{ name: string }> };
    };
    expect(statement.subject[0]?.digest.sha256).toBe(image.manifestDigest.slice(7));
    expect(statement.predicate.bomFormat).toBe('CycloneDX');
    expect(statement.predicate.components?.map((c) => c.name)).toContain('zlib1g');
  }, 60_000);

  it('attests a scan result file and appends it to the .att manifest', async () => {
    const scan = join(temp.dir, 'scan.json');
    await writeFile(scan, JSON.stringify({ findings: [] }));
    const result = await run(['attest', `${repo}:v1`, '--type', 'vuln', '--predicate', scan,
      '--key', join(temp.dir, 'k.key')], env);
    expect(result.code).toBe(0);
    const tag = `sha256-${image.manifestDigest.slice(7)}.att`;
    const raw = await skopeoInspect(`docker://${repo}:${tag}`, 'raw', ['--tls-verify=false']);
    const types = (raw.layers as Array<{ annotations: Record<string, string> }>)
      .map((l) => l.annotations.predicateType);
    expect(types).toEqual(['https://cyclonedx.org/bom',
      'https://cosign.sigstore.dev/attestation/vuln/v1']);
  });

  it('refuses --type vuln without a predicate file', async () => {
    const result = await run(['attest', `${repo}:v1`, '--type', 'vuln', '--key',
      join(temp.dir, 'k.key')], env);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--predicate FILE is required/);
  });
});
