import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { createDigestVerifier, digestOf, parseDigest, verifyBuffer } from './digest.js';

async function drain(data: Buffer, expected: { digest: string; size?: number }): Promise<number> {
  let seen = 0;
  await pipeline(
    Readable.from([data.subarray(0, 3), data.subarray(3)]),
    createDigestVerifier({ ...expected, what: 'blob' }),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        seen += chunk.length;
      }
    },
  );
  return seen;
}

describe('digests', () => {
  const data = Buffer.from('hello layer');

  it('hashes buffers with sha256 and sha512', () => {
    expect(digestOf(data)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digestOf(data, 'sha512')).toMatch(/^sha512:[0-9a-f]{128}$/);
  });

  it.each(['md5:abcd', 'sha256:XYZ', 'sha256:abcd', 'nocolon'])('rejects digest %s', (text) => {
    expect(() => parseDigest(text)).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
  });

  it.each(['sha256', 'sha512'] as const)('passes a matching %s stream through', async (alg) => {
    expect(await drain(data, { digest: digestOf(data, alg), size: data.length })).toBe(11);
  });

  it.each([
    ['a wrong digest', { digest: digestOf(Buffer.from('x')), size: 11 }, 'DIGEST_MISMATCH'],
    ['too few bytes', { digest: digestOf(data), size: 12 }, 'SIZE_MISMATCH'],
    ['too many bytes', { digest: digestOf(data), size: 5 }, 'SIZE_MISMATCH'],
    ['a wrong digest and no size', { digest: digestOf(Buffer.from('x')) }, 'DIGEST_MISMATCH'],
  ])('fails a stream with %s', async (_name, expected, code) => {
    await expect(drain(data, expected)).rejects.toMatchObject({ code });
  });

  it('verifies whole buffers', () => {
    expect(() => verifyBuffer(data, { digest: digestOf(data), size: 11, what: 'x' })).not.toThrow();
    expect(() => verifyBuffer(data, { digest: digestOf(data), size: 1, what: 'x' })).toThrow(
      expect.objectContaining({ code: 'SIZE_MISMATCH' }),
    );
  });
});
