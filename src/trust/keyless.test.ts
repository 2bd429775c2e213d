// Keyless bundles built for real by the offline test CA and log (src/testing/sigstore.ts):
// only a bundle that chains to the trusted root, is logged, signs this manifest and names the
// required identity and issuer verifies.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTestCa,
  createTestLog,
  dsseBundle,
  messageSignatureBundle,
  trustedRootJson,
  type SignedBundleOptions,
  type TestCa,
  type TestLog,
} from '../testing/sigstore.js';
import { IN_TOTO_PAYLOAD_TYPE, inTotoStatement } from './dsse.js';
import {
  COSIGN_SIGN_PREDICATE,
  MAX_BUNDLE_BYTES,
  checkBundle,
  loadTrustedRoot,
  type IdentityPolicy,
} from './keyless.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = new Date('2026-03-02T10:00:00Z');
const IDENTITY = 'https://github.com/bank/ledger/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const POLICY: IdentityPolicy = { identity: IDENTITY, issuer: ISSUER };
const manifest = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.' +
  'manifest.v1+json","layers":[]}');
const other = Buffer.from('{"schemaVersion":2,"layers":[]}');
const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const image = { digest: digestOf(manifest), manifest };

let ca: TestCa;
let log: TestLog;
let trust: ReturnType<typeof loadTrustedRoot>;
let options: SignedBundleOptions;

beforeAll(async () => {
  ca = await createTestCa('fulcio', NOW);
  log = await createTestLog();
  trust = loadTrustedRoot(Buffer.from(trustedRootJson([ca], [log])));
  options = {
    ca,
    log,
    identity: IDENTITY,
    issuer: ISSUER,
    notBefore: new Date(NOW.getTime() - 60_000),
    notAfter: new Date(NOW.getTime() + 540_000),
    integratedTime: NOW,
  };
});

const check = (bundle: unknown, policy: IdentityPolicy = POLICY) =>
  checkBundle(Buffer.from(JSON.stringify(bundle)), image, trust, policy);

function signStatement(digest: string, predicateType: string, overrides = {}) {
  const statement = inTotoStatement('registry.bank.example/ledger', digest, predicateType, {});
  return dsseBundle(IN_TOTO_PAYLOAD_TYPE, statement, { ...options, ...overrides });
}

describe('checkBundle', () => {
  describe('when the bundle is good', () => {
    it('verifies a message signature over the manifest bytes', async () => {
      expect(check(await messageSignatureBundle(manifest, options))).toEqual({
        verified: true,
        content: 'message-signature',
        identity: IDENTITY,
        issuer: ISSUER,
      });
    });

    it('verifies a cosign v3 DSSE signing statement naming the digest', async () => {
      expect(check(await signStatement(image.digest, COSIGN_SIGN_PREDICATE))).toEqual({
        verified: true,
        content: 'dsse-envelope',
        identity: IDENTITY,
        issuer: ISSUER,
      });
    });

    it('verifies an identity matched by an unanchored pattern', async () => {
      const policy = { identityPattern: /github\.com\/bank\/ledger\//, issuer: ISSUER };
      expect(check(await messageSignatureBundle(manifest, options), policy))
        .toMatchObject({ verified: true });
    });
  });

  describe('when the signer is not the one required', () => {
    it.each([
      ['another identity', { identity: 'https://github.com/bank/other', issuer: ISSUER },
        `the certificate identity ${IDENTITY} is not https://github.com/bank/other`],
      ['a pattern that does not match', { identityPattern: /^https:\/\/gitlab\.com\//,
        issuer: ISSUER },
      `the certificate identity ${IDENTITY} is not /^https:\\/\\/gitlab\\.com\\//`],
      ['another issuer', { identity: IDENTITY, issuer: 'https://accounts.google.com' },
        `the certificate OIDC issuer ${ISSUER} is not https://accounts.google.com`],
    ])('refuses %s', async (_name, policy: IdentityPolicy, reason) => {
      expect(check(await messageSignatureBundle(manifest, options), policy)).toEqual({
        verified: false,
        content: 'message-signature',
        identity: IDENTITY,
        issuer: ISSUER,
        reason,
      });
    });
  });

  describe('when the certificate is not trusted', () => {
    it('refuses a certificate from a CA the root does not list', async () => {
      const rogue = await createTestCa('rogue', NOW);
      const bundle = await messageSignatureBundle(manifest, { ...options, ca: rogue });
      expect(check(bundle)).toEqual({ verified: false, content: 'message-signature',
        reason: 'CERTIFICATE_ERROR: Failed to verify certificate chain: ' +
          'no valid certificate path found' });
    });

    it('refuses a certificate that expired before the log saw the entry', async () => {
      const late = new Date(options.notAfter.getTime() + 1000);
      const bundle = await messageSignatureBundle(manifest, { ...options, integratedTime: late });
      expect(check(bundle)).toEqual({ verified: false, content: 'message-signature',
        reason: 'CERTIFICATE_ERROR: Failed to verify certificate chain: ' +
          'certificate is not valid or expired at the specified date' });
    });
  });

  describe('when the log is not trusted', () => {
    it('refuses an entry from a log the root does not list', async () => {
      const rogue = await createTestLog();
      const bundle = await messageSignatureBundle(manifest, { ...options, log: rogue });
      expect(check(bundle)).toEqual({ verified: false, content: 'message-signature',
        reason: 'TLOG_INCLUSION_PROMISE_ERROR: inclusion promise could not be verified' });
    });
  });

  describe('when the bundle is about another image', () => {
    it('refuses a message signature over other bytes', async () => {
      expect(check(await messageSignatureBundle(other, options))).toEqual({
        verified: false,
        content: 'message-signature',
        reason: `the bundle signs ${digestOf(other)}, not the manifest ` +
          `${image.digest}`,
      });
    });

    it('refuses a signing statement naming another digest', async () => {
      expect(check(await signStatement(digestOf(other), COSIGN_SIGN_PREDICATE))).toEqual({
        verified: false,
        content: 'dsse-envelope',
        reason: `the bundle's statement is not about ${image.digest}`,
      });
    });

    it('refuses an attestation predicate in place of a signature', async () => {
      const slsa = 'https://slsa.dev/provenance/v1';
      expect(check(await signStatement(image.digest, slsa))).toEqual({
        verified: false,
        content: 'dsse-envelope',
        reason: `the bundle holds a ${slsa} attestation, not an image signature`,
      });
    });
    it('refuses a DSSE payload that is not an in-toto statement', async () => {
      const type = 'application/vnd.dev.cosign.simplesigning.v1+json';
      const bundle = await dsseBundle(type, Buffer.from('{}'), options);
      expect(check(bundle)).toEqual({ verified: false, content: 'dsse-envelope',
        reason: `the bundle's payload type ${type} is not an image signature` });
    });
  });

  describe('when the bundle was tampered with', () => {
    it('refuses an altered signature', async () => {
      const bundle: Json = await messageSignatureBundle(manifest, options);
      const sig = Buffer.from(bundle.messageSignature.signature as string, 'base64');
      sig.writeUInt8(sig.readUInt8(sig.length - 1) ^ 1, sig.length - 1);
      bundle.messageSignature.signature = sig.toString('base64');
      expect(check(bundle)).toEqual({ verified: false, content: 'message-signature',
        reason: 'TLOG_BODY_ERROR: signature mismatch' });
    });

    it('refuses a statement swapped under a valid envelope signature', async () => {
      const bundle: Json = await signStatement(digestOf(other), COSIGN_SIGN_PREDICATE);
      const forged = inTotoStatement('x', image.digest, COSIGN_SIGN_PREDICATE, {});
      bundle.dsseEnvelope.payload = forged.toString('base64');
      expect(check(bundle)).toEqual({ verified: false, content: 'dsse-envelope',
        reason: 'TLOG_BODY_ERROR: DSSE payload hash mismatch' });
    });

    it('refuses a log entry whose integrated time was moved', async () => {
      const late = new Date(options.notAfter.getTime() + 1000);
      const bundle: Json = await messageSignatureBundle(manifest, { ...options,
        integratedTime: late });
      const entry = bundle.verificationMaterial.tlogEntries[0] as Json;
      entry.integratedTime = String(Math.floor(NOW.getTime() / 1000));
      expect(check(bundle)).toEqual({ verified: false, content: 'message-signature',
        reason: 'TLOG_INCLUSION_PROMISE_ERROR: inclusion promise could not be verified' });
    });

    it('refuses a log entry whose body was altered', async () => {
      const bundle: Json = await messageSignatureBundle(manifest, options);
      const entry = bundle.verificationMaterial.tlogEntries[0] as Json;
      const body = JSON.parse(Buffer.from(entry.canonicalizedBody as string, 'base64')
        .toString()) as Json;
      body.spec.publicKey = { content: 'AAAA' };
      entry.canonicalizedBody = Buffer.from(JSON.stringify(body)).toString('base64');
      expect(check(bundle)).toEqual({ verified: false, content: 'message-signature',
        reason: 'TLOG_INCLUSION_PROMISE_ERROR: inclusion promise could not be verified' });
    });

    it('refuses a bundle with no log entry', async () => {
      const bundle: Json = await messageSignatureBundle(manifest, options);
      bundle.verificationMaterial.tlogEntries = [];
      expect(check(bundle)).toEqual({ verified: false, content: 'message-signature',
        reason: 'TIMESTAMP_ERROR: expected 1 timestamps, got 0' });
    });
  });

  describe('when the input is not a bundle', () => {
    it('refuses text that is not JSON', () => {
      expect(checkBundle(Buffer.from('{"mediaType":'), image, trust, POLICY))
        .toEqual({ verified: false, reason: 'the bundle is not JSON' });
    });

    it('refuses JSON that is not a bundle', () => {
      expect(check({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' })).toEqual({
        verified: false,
        reason: 'not a Sigstore bundle: invalid bundle (content, verificationMaterial)',
      });
    });

    it('refuses an oversized bundle before parsing it', () => {
      expect(checkBundle(Buffer.alloc(MAX_BUNDLE_BYTES + 1, 0x20), image, trust, POLICY))
        .toEqual({ verified: false, reason: `the bundle is over ${MAX_BUNDLE_BYTES} bytes` });
    });
  });
});

describe('loadTrustedRoot', () => {
  it.each([
    ['text that is not JSON', 'not json', 'the trusted root is not JSON'],
    ['JSON of another kind', '{"mediaType":"application/json"}',
      'the trusted root has no Sigstore trusted root mediaType; pass a trusted_root.json'],
    ['a root without any CA', JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [], ctlogs: [], certificateAuthorities: [], timestampAuthorities: [] }),
    'the trusted root lists no certificate authority, so no keyless signature can verify'],
    ['a root whose CA certificate is garbage', JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      certificateAuthorities: [{ certChain: { certificates: [{ rawBytes: 'AAAA' }] },
        validFor: { start: '2000-01-01T00:00:00Z' } }] }),
    'the trusted root does not parse: unsupported tag 0x00'],
  ])('refuses %s', (_name, text, message) => {
    expect(() => loadTrustedRoot(Buffer.from(text)))
      .toThrow(expect.objectContaining({ code: 'TRUST_ROOT_INVALID', message }));
  });

  it('refuses a root over the size limit', () => {
    expect(() => loadTrustedRoot(Buffer.alloc(4 * 1024 * 1024 + 1, 0x20)))
      .toThrow(expect.objectContaining({ code: 'TRUST_ROOT_INVALID' }));
  });
});
