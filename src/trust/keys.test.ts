import { execFileSync } from 'node:child_process';
import { createPublicKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptEnvelope,
  decryptPrivateKey,
  deriveKey,
  encryptEnvelope,
  encryptPrivateKey,
  generateKeyPair,
  parsePublicKey,
  privateKeyDer,
  publicKeyPem,
} from './keys.js';

// Envelopes written by go-securesystemslib's `encrypted` package (the code cosign's keys go
// through), one per scrypt strength it supports. The first sealed the raw bytes
// "reallyimportant"; the others went through `Marshal`, which seals them as a JSON string.
const GO_VECTORS: Array<[string, string]> = [
  ['reallyimportant',
    '{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"N9a7x5JFGbrtB2uBR81'
    + 'jPwp0eiLR4A7FV3mjVAQrg1g="},"cipher":{"name":"nacl/secretbox","nonce":"2h8HxMmgRfuYd'
    + 'pswZBQaU3xJ1nkA/5Ik"},"ciphertext":"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ=="}'],
  ['"cmVhbGx5aW1wb3J0YW50"',
    '{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"FhzPOt9/bJG4PTq6lQ6'
    + 'ecG6GzaOuOy/ynG5+yRiFlNs="},"cipher":{"name":"nacl/secretbox","nonce":"aw1ng1jHaDz/t'
    + 'Q7V2gR9O2+IGQ8xJEuE"},"ciphertext":"HycvuLZL4sYH0BrYTh4E/H20VtAW6u5zL5Pr+IBjYLYnCPzD'
    + 'kq8="}'],
  ['"cmVhbGx5aW1wb3J0YW50"',
    '{"kdf":{"name":"scrypt","params":{"N":131072,"r":8,"p":1},"salt":"m38E3kouJTtiheLQN2'
    + '2NQ8DTito5hrjpUIskqcd375k="},"cipher":{"name":"nacl/secretbox","nonce":"Y6PM13yA+o44'
    + 'pE/W1ZBwczeGnTV/m9Zc"},"ciphertext":"6H8sqj1K6B6yDjtH5AQ6lbFigg/C2yDDJc4rYJ79w9aVPIm'
    + 'FIPI="}'],
];

// A throwaway key written by sigstore's Go code for a public test suite (empty password,
// scrypt N=2^16), and the public key that belongs to it.
const GO_COSIGN_KEY = [
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
  'eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNiwiciI6',
  'OCwicCI6MX0sInNhbHQiOiJLYU9OQzduQVJLOVgxM1FoaWFucjAwTTBGYys2Sitr',
  'dnAxN1FuanpiVk9nPSJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94',
  'Iiwibm9uY2UiOiJVOHZqWWtqMlZOUFZGdlZFZWZ3bXZ5VGloUERrelBoaCJ9LCJj',
  'aXBoZXJ0ZXh0IjoidWNWMnQ4TTZVNFJvb29FOXc0d3dkc3E1RDYrS2RKY245dERT',
  'KzFwRDRGN040SVJOWEgzSTBua3h1a3NackFOUHR1emIvTkVYQ201dUp3Zjh3Qzl1',
  'VlprbXdwNU5jRUZ6b3ZNS3JCZmNvdXdjaEkrMzkrQ0NhbVZPbzBucmRnZjhvcmpK',
  'dXdrWDBYL1phY0RUTERGaUxyc1laMWVMMmlqMGU1MVRpZmVQNTl4WXNPK1FnM1Jv',
  'OURRVjNQMk9ndDFDaVFHeGg1VXhUZytGc3c9PSJ9',
  '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----',
].join('\n');
const GO_COSIGN_PUB = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEMk2x2CCtYaFNteFO9CDuOMyDP54D' +
  '5+gXKKweldxuaq7Ns+3RIZDb/7fSkae3hDK7/ZdvR46/U6mvcFyncxHHSQ==';

describe('encrypted private keys', () => {
  it('opens a cosign key written by sigstore\'s Go code', () => {
    const key = decryptPrivateKey(GO_COSIGN_KEY, '');
    const pub = publicKeyPem(createPublicKey(key)).replace(/-----[A-Z ]+-----|\n/g, '');
    expect(pub).toBe(GO_COSIGN_PUB);
  });

  it.each(GO_VECTORS)('opens an envelope written by securesystemslib (%s)', (plain, json) => {
    expect(decryptEnvelope(json, 'supersecret').toString()).toBe(plain);
  });

  it('rejects a Go envelope with the wrong password', () => {
    expect(() => decryptEnvelope((GO_VECTORS[0] as [string, string])[1], 'supersecreT')).toThrow(
      expect.objectContaining({ code: 'KEY_PASSWORD' }),
    );
  });

  it('rejects unsupported scrypt parameters before deriving anything', () => {
    const json = ((GO_VECTORS[0] as [string, string])[1]).replace('"N":32768', '"N":99');
    expect(() => decryptEnvelope(json, 'supersecret')).toThrow(/unsupported scrypt/);
  });

  it('derives the same key as python hashlib.scrypt', () => {
    const salt = randomBytes(32);
    const py = execFileSync('python3', [
      '-c',
      'import hashlib,sys;print(hashlib.scrypt(sys.argv[1].encode(),salt=bytes.fromhex(' +
        'sys.argv[2]),n=32768,r=8,p=1,maxmem=64*1024*1024,dklen=32).hex())',
      'pässword',
      salt.toString('hex'),
    ]).toString().trim();
    expect(deriveKey('pässword', salt, { N: 32768, r: 8, p: 1 }).toString('hex')).toBe(py);
  });

  it('writes the securesystemslib envelope shape with cosign\'s scrypt cost', () => {
    const doc = JSON.parse(encryptEnvelope(Buffer.from('x'), 'pw')) as Record<string, never>;
    expect(Object.keys(doc)).toEqual(['kdf', 'cipher', 'ciphertext']);
    expect(doc).toMatchObject({
      kdf: { name: 'scrypt', params: { N: 32768, r: 8, p: 1 } },
      cipher: { name: 'nacl/secretbox' },
    });
  });

  it('round-trips a P-256 key through the PEM, including an empty password', () => {
    const { privateKey, publicKey } = generateKeyPair();
    for (const password of ['correct horse', '']) {
      const pem = encryptPrivateKey(privateKeyDer(privateKey), password);
      expect(pem).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
      const back = decryptPrivateKey(pem, password);
      expect(privateKeyDer(back).equals(privateKeyDer(privateKey))).toBe(true);
    }

    expect(parsePublicKey(publicKeyPem(publicKey)).equals(publicKey)).toBe(true);
  });

  it('says the password is wrong', () => {
    const pem = encryptPrivateKey(privateKeyDer(generateKeyPair().privateKey), 'right');
    expect(() => decryptPrivateKey(pem, 'wrong')).toThrow(/wrong password.*COSIGN_PASSWORD/);
  });

  it.each([
    ['not a PEM', 'hello'],
    ['a plain private key', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'],
    ['a body that is not JSON', pemOf('not json')],
    ['another cipher', pemOf('{"kdf":{"name":"scrypt"},"cipher":{"name":"aes"}}')],
  ])('rejects %s', (_name, pem) => {
    expect(() => decryptPrivateKey(pem, 'x')).toThrow(
      expect.objectContaining({ code: 'KEY_INVALID' }),
    );
  });

  it('accepts cosign\'s older PEM header', () => {
    const der = privateKeyDer(generateKeyPair().privateKey);
    const pem = encryptPrivateKey(der, 'pw').replaceAll('SIGSTORE', 'COSIGN');
    expect(privateKeyDer(decryptPrivateKey(pem, 'pw')).equals(der)).toBe(true);
  });

  it('refuses a key that is not P-256', () => {
    const ed25519 = '-----BEGIN PUBLIC KEY-----\n' +
      'MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n' +
      '-----END PUBLIC KEY-----\n';
    expect(() => parsePublicKey(ed25519)).toThrow(/not ECDSA P-256/);
  });
});

function pemOf(body: string): string {
  const b64 = Buffer.from(body).toString('base64');
  return `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${b64}\n` +
    '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n';
}
