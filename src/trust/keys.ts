// Key pairs in Sigstore cosign's on-disk formats. The private key is PKCS#8 DER encrypted as
// sigstore's cryptoutils does it (go-securesystemslib `encrypted`): scrypt derives a 32-byte
// key from the password, NaCl secretbox (XSalsa20-Poly1305) seals the DER, and the JSON
// envelope sits in a PEM block. node:crypto has no XSalsa20, hence `tweetnacl` for secretbox.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  scryptSync,
  type KeyObject,
} from 'node:crypto';
import nacl from 'tweetnacl';
import { TrustError } from './errors.js';

export const ENCRYPTED_KEY_PEM = 'ENCRYPTED SIGSTORE PRIVATE KEY';
/** Keys written by cosign before it moved to sigstore's header. */
export const LEGACY_ENCRYPTED_KEY_PEM = 'ENCRYPTED COSIGN PRIVATE KEY';

// The scrypt costs securesystemslib accepts (legacy, standard, OWASP); cosign writes N=2^15.
const ACCEPTED_SCRYPT = [
  { N: 32768, r: 8, p: 1 },
  { N: 65536, r: 8, p: 1 },
  { N: 131072, r: 8, p: 1 },
] as const;
const WRITE_SCRYPT = ACCEPTED_SCRYPT[0];
const KEY_BYTES = 32;
const SALT_BYTES = 32;
const MAX_PEM_BYTES = 64 * 1024;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A fresh ECDSA P-256 key pair, cosign's default key type. */
export function generateKeyPair(): KeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

/** The public key as a PEM `PUBLIC KEY` block (SPKI), as in `cosign.pub`. */
export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Reads a `PUBLIC KEY` PEM and checks it is ECDSA P-256.
 * @throws TrustError `KEY_INVALID`.
 */
export function parsePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new TrustError('KEY_INVALID', 'the public key is not a PEM PUBLIC KEY; pass a ' +
      'cosign.pub file', { cause: err });
  }

  assertP256(key, 'public');
  return key;
}

/** Derives the secretbox key from the password (exported so tests can check it elsewhere). */
export function deriveKey(password: string, salt: Uint8Array, params: ScryptParams): Buffer {
  return scryptSync(Buffer.from(password, 'utf8'), salt, KEY_BYTES, {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r,
  });
}

/** Seals `plaintext` under `password` into sigstore's JSON envelope (bytes, as Go marshals it). */
export function encryptEnvelope(plaintext: Uint8Array, password: string): string {
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const key = deriveKey(password, salt, WRITE_SCRYPT);
  const sealed = nacl.secretbox(plaintext, nonce, key);
  return JSON.stringify({
    kdf: { name: 'scrypt', params: WRITE_SCRYPT, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(sealed).toString('base64'),
  });
}

/**
 * Opens sigstore's JSON envelope.
 * @throws TrustError `KEY_INVALID` for a malformed envelope, `KEY_PASSWORD` when it does not open.
 */
export function decryptEnvelope(json: string, password: string): Buffer {
  const envelope = parseEnvelope(json);
  const key = deriveKey(password, envelope.salt, envelope.params);
  const opened = nacl.secretbox.open(envelope.ciphertext, envelope.nonce, key);
  if (opened === null) {
    throw new TrustError('KEY_PASSWORD', 'cannot decrypt the private key: wrong password ' +
      '(set COSIGN_PASSWORD to the password the key was generated with) or a damaged key file');
  }

  return Buffer.from(opened);
}

/** Encrypts a PKCS#8 DER private key into the PEM `ENCRYPTED SIGSTORE PRIVATE KEY` format. */
export function encryptPrivateKey(pkcs8Der: Uint8Array, password: string): string {
  const body = Buffer.from(encryptEnvelope(pkcs8Der, password), 'utf8').toString('base64');
  const lines = body.match(/.{1,64}/g) ?? [];
  const [begin, end] =
    [`-----BEGIN ${ENCRYPTED_KEY_PEM}-----`, `-----END ${ENCRYPTED_KEY_PEM}-----`];
  return `${begin}\n${lines.join('\n')}\n${end}\n`;
}

/**
 * Decrypts a cosign/sigstore encrypted private key PEM into an ECDSA P-256 key.
 * @throws TrustError `KEY_INVALID` (not such a PEM, not P-256) or `KEY_PASSWORD`.
 */
export function decryptPrivateKey(pem: string, password: string): KeyObject {
  const der = decryptEnvelope(readPemBody(pem), password);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new TrustError('KEY_INVALID', 'the decrypted private key is not PKCS#8', {
      cause: err,
    });
  }

  assertP256(key, 'private');
  return key;
}

/** Exports a private key as PKCS#8 DER, the plaintext cosign encrypts. */
export function privateKeyDer(key: KeyObject): Buffer {
  return key.export({ type: 'pkcs8', format: 'der' });
}

function readPemBody(pem: string): string {
  if (pem.length > MAX_PEM_BYTES) {
    throw new TrustError('KEY_INVALID', `the private key file is over ${MAX_PEM_BYTES} bytes`);
  }

  const match = /-----BEGIN ([A-Z ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END \1-----/.exec(
    pem,
  );
  const label = match?.[1];
  if (match === null || (label !== ENCRYPTED_KEY_PEM && label !== LEGACY_ENCRYPTED_KEY_PEM)) {
    throw new TrustError('KEY_INVALID', `the private key is not a PEM "${ENCRYPTED_KEY_PEM}" ` +
      'block; pass a cosign.key written by `cosign generate-key-pair` or `moat key generate`');
  }

  return Buffer.from((match[2] ?? '').replace(/\s+/g, ''), 'base64').toString('utf8');
}

interface Envelope {
  params: ScryptParams;
  salt: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
}

function parseEnvelope(json: string): Envelope {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new TrustError('KEY_INVALID', 'the encrypted private key is not JSON', { cause: err });
  }

  const d = doc as {
    kdf?: { name?: unknown; params?: Partial<ScryptParams>; salt?: unknown };
    cipher?: { name?: unknown; nonce?: unknown };
    ciphertext?: unknown;
  };
  if (d.kdf?.name !== 'scrypt' || d.cipher?.name !== 'nacl/secretbox') {
    throw new TrustError('KEY_INVALID', 'the private key uses an unsupported KDF or cipher ' +
      '(expected scrypt and nacl/secretbox)');
  }

  const p = d.kdf.params ?? {};
  const params = ACCEPTED_SCRYPT.find((a) => a.N === p.N && a.r === p.r && a.p === p.p);
  if (params === undefined) {
    throw new TrustError('KEY_INVALID', 'the private key uses unsupported scrypt parameters');
  }

  const salt = base64Field(d.kdf.salt, 'salt');
  const nonce = base64Field(d.cipher.nonce, 'nonce');
  if (nonce.length !== nacl.secretbox.nonceLength) {
    throw new TrustError('KEY_INVALID', 'the private key has a nonce of the wrong length');
  }

  return { params, salt, nonce, ciphertext: base64Field(d.ciphertext, 'ciphertext') };
}

function base64Field(value: unknown, name: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new TrustError('KEY_INVALID', `the private key's ${name} is not base64`);
  }

  return Buffer.from(value, 'base64');
}

function assertP256(key: KeyObject, which: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TrustError('KEY_INVALID', `the ${which} key is not ECDSA P-256; Moat signs and ` +
      'verifies with cosign\'s default key type only');
  }
}
