import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/requirements.js';
import { generateKeyPair, publicKeyPem } from './keys.js';
import { formatPayload } from './payload.js';
import { signManifest, verifySignedPayload } from './signature.js';

const DIGEST = `sha256:${'12'.repeat(32)}`;
const OTHER = `sha256:${'34'.repeat(32)}`;
const REPO = '127.0.0.1:5000/payments/ledger';

describe('payload signatures', () => {
  const { privateKey, publicKey } = generateKeyPair();
  const signed = signManifest(privateKey, REPO, DIGEST);
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('sig'));
  });

  afterAll(async () => cleanup());

  it('verifies a signature over the exact digest', () => {
    const result = verifySignedPayload(publicKey, signed, DIGEST);
    expect(result).toEqual({
      ok: true,
      payload: { dockerReference: REPO, manifestDigest: DIGEST, optional: null },
    });
  });

  it.each([
    ['another digest', () => verifySignedPayload(publicKey, signed, OTHER), /is for sha256:12/],
    ['another key', () => verifySignedPayload(generateKeyPair().publicKey, signed, DIGEST),
      /does not verify/],
    ['a tampered payload', () => verifySignedPayload(publicKey, {
      ...signed,
      payload: Buffer.from(signed.payload.toString().replace('ledger', 'ledgex')),
    }, DIGEST), /does not verify/],
    ['a truncated signature', () => verifySignedPayload(publicKey, {
      ...signed,
      signature: Buffer.from(signed.signature, 'base64').subarray(0, 40).toString('base64'),
    }, DIGEST), /does not verify/],
    ['an empty signature', () => verifySignedPayload(publicKey, { ...signed, signature: '' },
      DIGEST), /not base64/],
    ['garbage', () => verifySignedPayload(publicKey, { ...signed, signature: '!!' }, DIGEST),
      /not base64/],
  ])('rejects %s', (_name, check, reason) => {
    const result = check();
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('rejects a valid signature over a payload of another type', () => {
    const { privateKey: k, publicKey: p } = generateKeyPair();
    const other = signManifest(k, REPO, DIGEST);
    const forged = Buffer.from(other.payload.toString().replace('cosign container', 'x'));
    const sig = execSign(dir, k.export({ type: 'pkcs8', format: 'pem' }).toString(), forged);
    const result = verifySignedPayload(p, { payload: forged, signature: sig }, DIGEST);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/type/) as unknown });
  });

  it('interoperates with openssl in both directions', () => {
    const pub = join(dir, 'key.pub');
    const payloadFile = join(dir, 'payload.json');
    const sigFile = join(dir, 'payload.sig');
    writeFileSync(pub, publicKeyPem(publicKey));
    writeFileSync(payloadFile, signed.payload);
    writeFileSync(sigFile, Buffer.from(signed.signature, 'base64'));
    const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', pub, '-signature',
      sigFile, payloadFile]).toString();
    expect(out).toMatch(/Verified OK/);

    const payload = formatPayload({ dockerReference: REPO, manifestDigest: DIGEST,
      optional: null });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const signature = execSign(dir, pem, payload);
    expect(verifySignedPayload(publicKey, { payload, signature }, DIGEST).ok).toBe(true);
  });
});

function execSign(dir: string, privatePem: string, payload: Buffer): string {
  const keyFile = join(dir, 'key.pem');
  const payloadFile = join(dir, 'to-sign');
  writeFileSync(keyFile, privatePem, { mode: 0o600 });
  writeFileSync(payloadFile, payload);
  return execFileSync('openssl', ['dgst', '-sha256', '-sign', keyFile, payloadFile])
    .toString('base64');
}
