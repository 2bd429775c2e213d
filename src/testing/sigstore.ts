// A stand-in for the Sigstore public-good services, all offline and in process, so tests can
// verify keyless bundles for real: a certificate authority (root + intermediate) issuing
// short-lived Fulcio-style leaf certificates (SAN identity, OIDC issuer extension
// 1.3.6.1.4.1.57264.1.8), a transparency log that signs entries (inclusion promise) and a
// one-leaf checkpoint (inclusion proof), and the `trusted_root.json` listing both.
// @peculiar/x509 builds the certificates: node:crypto can read X.509 but not issue it.
import { createHash, sign, webcrypto, KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { json } from '@sigstore/core';
import { preAuthEncoding } from '../trust/dsse.js';

x509.cryptoProvider.set(webcrypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const FULCIO_ISSUER_OID = '1.3.6.1.4.1.57264.1.8';
const LOG_URL = 'https://rekor.moat.test';
const LOG_ORIGIN = 'rekor.moat.test - 1';

interface CaKeys {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

export interface TestCa {
  root: CaKeys;
  intermediate: CaKeys;
}

export interface TestLog {
  privateKey: KeyObject;
  publicKey: KeyObject;
  logId: Buffer;
}

export interface LeafOptions {
  /** SAN: an email (`a@b`) or a URI. */
  identity: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
}

export interface SignedBundleOptions extends LeafOptions {
  ca: TestCa;
  log: TestLog;
  /** When the log says it saw the entry. */
  integratedTime: Date;
}

/** A root and an intermediate CA, valid for a year around `now`. */
export async function createTestCa(name: string, now: Date): Promise<TestCa> {
  const notBefore = new Date(now.getTime() - 180 * 86400_000);
  const notAfter = new Date(now.getTime() + 180 * 86400_000);
  const rootKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name} root,O=moat test`,
    notBefore,
    notAfter,
    signingAlgorithm: EC,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const interKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: `CN=${name} intermediate,O=moat test`,
    issuer: root.subject,
    notBefore,
    notAfter,
    signingAlgorithm: EC,
    publicKey: interKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true),
      await x509.SubjectKeyIdentifierExtension.create(interKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  return { root: { cert: root, keys: rootKeys }, intermediate: { cert: intermediate,
    keys: interKeys } };
}

/** A transparency log key; its log ID is the SHA-256 of the public key's SPKI DER. */
export async function createTestLog(): Promise<TestLog> {
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const publicKey = KeyObject.from(keys.publicKey);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey: KeyObject.from(keys.privateKey),
    publicKey,
    logId: createHash('sha256').update(spki).digest(),
  };
}

/** `trusted_root.json` trusting these CAs and logs, as the Sigstore TUF root ships it. */
export function trustedRootJson(cas: TestCa[], logs: TestLog[]): string {
  const start = '2000-01-01T00:00:00Z';
  const b64 = (cert: x509.X509Certificate) => Buffer.from(cert.rawData).toString('base64');
  return JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: logs.map((log) => ({
      baseUrl: LOG_URL,
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: log.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: { start },
      },
      logId: { keyId: log.logId.toString('base64') },
    })),
    certificateAuthorities: cas.map((ca) => ({
      subject: { organization: 'moat test', commonName: 'moat test' },
      uri: 'https://fulcio.moat.test',
      certChain: { certificates: [{ rawBytes: b64(ca.intermediate.cert) },
        { rawBytes: b64(ca.root.cert) }] },
      validFor: { start },
    })),
    ctlogs: [],
    timestampAuthorities: [],
  }, null, 2);
}

/** An ephemeral key and its Fulcio-style certificate from the intermediate. */
export async function issueLeaf(ca: TestCa, options: LeafOptions) {
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const name = options.identity.includes('@') && !options.identity.includes('://')
    ? { type: 'email' as const, value: options.identity }
    : { type: 'url' as const, value: options.identity };
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: createHash('sha256').update(options.identity + String(Math.random()))
      .digest('hex').slice(0, 16),
    subject: '',
    issuer: ca.intermediate.cert.subject,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey: ca.intermediate.keys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
      new x509.SubjectAlternativeNameExtension([name], true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.intermediate.keys.publicKey),
      new x509.Extension(FULCIO_ISSUER_OID, false, utf8String(options.issuer)),
    ],
  });
  return { cert, privateKey: KeyObject.from(keys.privateKey) };
}

/**
 * A v0.3 bundle whose message signature covers `artifact` (e.g. an image manifest), logged
 * as a `hashedrekord` entry.
 */
export async function messageSignatureBundle(artifact: Buffer, options: SignedBundleOptions) {
  const { cert, privateKey } = await issueLeaf(options.ca, options);
  const signature = sign('sha256', artifact, { key: privateKey, dsaEncoding: 'der' });
  const digest = createHash('sha256').update(artifact).digest();
  const body = {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
      signature: { content: signature.toString('base64'),
        publicKey: { content: Buffer.from(cert.toString('pem')).toString('base64') } },
    },
  };
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: Buffer.from(cert.rawData).toString('base64') },
      tlogEntries: [logEntry(options.log, body, options.integratedTime)],
      timestampVerificationData: {},
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') },
      signature: signature.toString('base64'),
    },
  };
}

/** A v0.3 bundle with a DSSE envelope over `payload`, logged as a `dsse` entry. */
export async function dsseBundle(
  payloadType: string,
  payload: Buffer,
  options: SignedBundleOptions,
) {
  const { cert, privateKey } = await issueLeaf(options.ca, options);
  const sig = sign('sha256', preAuthEncoding(payloadType, payload),
    { key: privateKey, dsaEncoding: 'der' });
  const envelope = { payload: payload.toString('base64'), payloadType,
    signatures: [{ sig: sig.toString('base64'), keyid: '' }] };
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  const body = {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha(JSON.stringify(envelope)) },
      payloadHash: { algorithm: 'sha256', value: sha(payload) },
      signatures: [{ signature: sig.toString('base64'),
        verifier: Buffer.from(cert.toString('pem')).toString('base64') }],
    },
  };
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: Buffer.from(cert.rawData).toString('base64') },
      tlogEntries: [logEntry(options.log, body, options.integratedTime)],
      timestampVerificationData: {},
    },
    dsseEnvelope: envelope,
  };
}

// The entry as the log returns it: canonical body, signed entry timestamp over
// {body, integratedTime, logIndex, logID}, and a checkpoint of a one-leaf tree holding it.
function logEntry(log: TestLog, body: unknown, integratedTime: Date) {
  const canonical = Buffer.from(json.canonicalize(body), 'utf8');
  const time = Math.floor(integratedTime.getTime() / 1000);
  const promise = Buffer.from(json.canonicalize({
    body: canonical.toString('base64'),
    integratedTime: time,
    logIndex: 0,
    logID: log.logId.toString('hex'),
  }), 'utf8');
  const set = sign('sha256', promise, { key: log.privateKey, dsaEncoding: 'der' });

  const rootHash = createHash('sha256').update(Buffer.concat([Buffer.from([0]), canonical]))
    .digest();
  const note = `${LOG_ORIGIN}\n1\n${rootHash.toString('base64')}\n`;
  const noteSig = sign('sha256', Buffer.from(note), { key: log.privateKey, dsaEncoding: 'der' });
  const line = Buffer.concat([log.logId.subarray(0, 4), noteSig]).toString('base64');
  const kind = (body as { kind: string }).kind;
  return {
    logIndex: '0',
    logId: { keyId: log.logId.toString('base64') },
    kindVersion: { kind, version: '0.0.1' },
    integratedTime: String(time),
    inclusionPromise: { signedEntryTimestamp: set.toString('base64') },
    inclusionProof: {
      logIndex: '0',
      rootHash: rootHash.toString('base64'),
      treeSize: '1',
      hashes: [],
      checkpoint: { envelope: `${note}\n\u2014 rekor.moat.test ${line}\n` },
    },
    canonicalizedBody: canonical.toString('base64'),
  };
}

// DER UTF8String (tag 12) of a short string, the Fulcio v2 issuer extension's value.
function utf8String(value: string): ArrayBuffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > 127) {
    throw new RangeError('issuer too long for this test encoder');
  }

  const der = Buffer.concat([Buffer.from([0x0c, bytes.length]), bytes]);
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.length);
}
