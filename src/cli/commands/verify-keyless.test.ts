// `moat verify` in keyless mode end to end: a real image pushed with skopeo, a Sigstore bundle
// from the offline test CA and log attached as a cosign v3 referrer, on the Moat server
// (referrers API) and on the reference registry (referrers tag schema).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistryWriter } from '../../image/registry/push.js';
import { startTestServer } from '../../server/__tests__/harness.js';
import { pushToRegistry, SKOPEO_NEEDS } from '../../testing/image-export.js';
import { buildImage } from '../../testing/images.js';
import { REGISTRY_NEEDS, startRegistry } from '../../testing/registry.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import {
  createTestCa,
  createTestLog,
  dsseBundle,
  messageSignatureBundle,
  trustedRootJson,
} from '../../testing/sigstore.js';
import { attachBundle } from '../../testing/sigstore-referrer.js';
import { IN_TOTO_PAYLOAD_TYPE, inTotoStatement } from '../../trust/dsse.js';
import { COSIGN_SIGN_PREDICATE } from '../../trust/keyless.js';
import { runMoat } from '../../access/__tests__/cli.js';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runMoat(args, '', env);

const IDENTITY = 'release@bank.example';
const ISSUER = 'https://login.bank.example';

const registries = [
  { name: 'the Moat server', start: startTestServer, indexed: true,
    needs: skipReason('keyless verify on the Moat server', SKOPEO_NEEDS) },
  { name: 'the reference registry', start: () => startRegistry(), indexed: false,
    needs: skipReason('keyless verify on the reference registry', REGISTRY_NEEDS) },
];

describe.each(registries)('moat verify keyless on $name', ({ start, indexed, needs }) => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let registry: { host: string; stop(): Promise<void> };
  let ref = '';
  let digest = '';
  let referrer = '';
  let root = '';
  let manifestBundle = '';
  const keyless = (identity = IDENTITY) => ['--certificate-identity', identity,
    '--certificate-oidc-issuer', ISSUER, '--trusted-root', root];

  beforeAll(async () => {
    if (needs !== undefined) {
      return;
    }

    temp = await makeTempDir('verify-keyless');
    registry = await start();
    const image = await buildImage(join(temp.dir, 'image'), {
      tag: 'v1',
      layers: [{ files: { 'etc/os-release': 'ID=keyless\n' } }],
    });
    await pushToRegistry(image, registry.host, 'payments/ledger');
    ref = `${registry.host}/payments/ledger:v1`;

    const now = new Date();
    const ca = await createTestCa('fulcio', now);
    const log = await createTestLog();
    root = join(temp.dir, 'trusted_root.json');
    await writeFile(root, trustedRootJson([ca], [log]));

    const store = openRegistryWriter(ref);
    const subject = await store.getManifest({ tag: 'v1' });
    if (subject === undefined) {
      throw new Error('the pushed image is not in the registry');
    }

    digest = subject.descriptor.digest;
    const options = { ca, log, identity: IDENTITY, issuer: ISSUER, integratedTime: now,
      notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + 600_000) };
    const statement = inTotoStatement(store.repositoryName, digest, COSIGN_SIGN_PREDICATE, {});
    const attached = await attachBundle(store, subject.descriptor,
      await dsseBundle(IN_TOTO_PAYLOAD_TYPE, statement, options));
    expect(attached.referrerIndexed).toBe(indexed);
    referrer = attached.referrer;

    manifestBundle = join(temp.dir, 'manifest.sigstore.json');
    await writeFile(manifestBundle,
      JSON.stringify(await messageSignatureBundle(subject.bytes, options)));
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    await temp?.cleanup();
  });

  it.skipIf(needs)('verifies the referrer bundle with the signer\'s identity', async () => {
    const result = await run(['verify', ref, ...keyless(), '--format', 'json']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      repository: ref.replace(/:v1$/, ''),
      digest,
      verified: true,
      bundles: [{ source: referrer, verified: true, content: 'dsse-envelope',
        identity: IDENTITY, issuer: ISSUER }],
    });
  });

  it.skipIf(needs)('fails the policy for another identity or issuer', async () => {
    const wrong = await run(['verify', ref, ...keyless('ops@bank.example')]);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain(`No valid keyless signature for ${ref.replace(/:v1$/, '')}`);
    expect(wrong.out).toContain(`the certificate identity ${IDENTITY} is not ops@bank.example`);

    const pattern = await run(['verify', ref, '--certificate-identity-regexp', '^ops@',
      '--certificate-oidc-issuer', ISSUER, '--trusted-root', root]);
    expect(pattern.code).toBe(1);

    const issuer = await run(['verify', ref, '--certificate-identity', IDENTITY,
      '--certificate-oidc-issuer', 'https://accounts.google.com', '--trusted-root', root]);
    expect(issuer.code).toBe(1);
    expect(issuer.out).toContain(`OIDC issuer ${ISSUER} is not https://accounts.google.com`);
  });

  it.skipIf(needs)('checks a bundle file over the manifest instead of the referrers',
    async () => {
      const ok = await run(['verify', ref, ...keyless(), '--bundle', manifestBundle]);
      expect(ok.code).toBe(0);
      expect(ok.out).toBe(`Verified ${ref.replace(/:v1$/, '')}@${digest}\n` +
        `  ok   file ${IDENTITY} (${ISSUER})\n`);

      const pattern = await run(['verify', ref, '--certificate-identity-regexp', '@bank\\.',
        '--certificate-oidc-issuer', ISSUER, '--trusted-root', root, '--bundle', manifestBundle]);
      expect(pattern.code).toBe(0);
    });

  it.skipIf(needs)('refuses bad trust material and mixed or missing flags as errors',
    async () => {
      const notRoot = join(temp.dir, 'not-a-root.json');
      await writeFile(notRoot, '{}');
      const bad = await run(['verify', ref, '--certificate-identity', IDENTITY,
        '--certificate-oidc-issuer', ISSUER, '--trusted-root', notRoot]);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/\[TRUST_ROOT_INVALID\]/);

      const cases: Array<[string[], RegExp]> = [
        [['--key', root, ...keyless()], /exclude each other/],
        [[], /give --key FILE, or --certificate-identity/],
        [['--certificate-identity', IDENTITY, '--certificate-identity-regexp', 'x',
          '--certificate-oidc-issuer', ISSUER, '--trusted-root', root], /exactly one of/],
        [['--certificate-identity', IDENTITY, '--trusted-root', root],
          /needs --certificate-oidc-issuer/],
        [['--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER],
          /needs --trusted-root/],
        [['--certificate-identity-regexp', '(', '--certificate-oidc-issuer', ISSUER,
          '--trusted-root', root], /not a valid regular expression/],
        [[...keyless(), '--bundle', join(temp.dir, 'missing.json')], /cannot read --bundle/],
      ];
      for (const [flags, message] of cases) {
        const result = await run(['verify', ref, ...flags]);
        expect(result.code).toBe(2);
        expect(result.err).toMatch(message);
      }
    });
});
