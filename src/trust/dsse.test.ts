import { describe, expect, it } from 'vitest';
import {
  IN_TOTO_PAYLOAD_TYPE,
  inTotoStatement,
  openEnvelope,
  preAuthEncoding,
  signEnvelope,
} from './dsse.js';
import { generateKeyPair } from './keys.js';

const DIGEST = `sha256:${'ef'.repeat(32)}`;

describe('DSSE envelopes', () => {
  it('encodes PAE as the DSSE protocol gives it', () => {
    // The worked example of the DSSE protocol document.
    expect(preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world'))
      .toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('builds an in-toto v0.1 statement about the digest', () => {
    const doc = JSON.parse(inTotoStatement('r/app', DIGEST, 'https://cyclonedx.org/bom',
      { bomFormat: 'CycloneDX' }).toString()) as Record<string, unknown>;
    expect(doc).toEqual({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://cyclonedx.org/bom',
      subject: [{ name: 'r/app', digest: { sha256: 'ef'.repeat(32) } }],
      predicate: { bomFormat: 'CycloneDX' },
    });
  });

  it('round-trips and rejects tampering, another key and another payload type', () => {
    const { privateKey, publicKey } = generateKeyPair();
    const body = Buffer.from('{"a":1}');
    const envelope = signEnvelope(privateKey, IN_TOTO_PAYLOAD_TYPE, body);
    expect(openEnvelope(publicKey, envelope).equals(body)).toBe(true);

    const tampered = { ...envelope, payload: Buffer.from('{"a":2}').toString('base64') };
    expect(() => openEnvelope(publicKey, tampered)).toThrow(/no signature/);
    expect(() => openEnvelope(generateKeyPair().publicKey, envelope)).toThrow(/no signature/);
    expect(() => openEnvelope(publicKey, { ...envelope, payloadType: 'text/plain' }))
      .toThrow(/no signature/);
    expect(() => openEnvelope(publicKey, { payload: 1 } as never)).toThrow(/not a DSSE/);
  });
});
