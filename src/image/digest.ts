// Content digests (image-spec descriptor.md "Digests"): parsing, hashing a buffer, and a
// pass-through stream that verifies bytes against a descriptor before it lets the stream end.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ImageError } from './errors.js';

export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

/**
 * Splits `sha256:<hex>` into algorithm and hex.
 * @throws ImageError MANIFEST_INVALID for a malformed digest or an unsupported algorithm.
 */
export function parseDigest(digest: string): { algorithm: DigestAlgorithm; hex: string } {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new ImageError(
      'MANIFEST_INVALID',
      `digest "${digest.slice(0, 80)}" uses an unsupported algorithm; only sha256 and sha512 ` +
        'are accepted',
    );
  }

  if (hex.length !== HEX_LENGTH[algorithm] || !/^[0-9a-f]+$/.test(hex)) {
    throw new ImageError('MANIFEST_INVALID', `digest "${digest.slice(0, 140)}" is malformed`);
  }

  return { algorithm, hex };
}

/** True when `digest` is a well-formed sha256 or sha512 digest. */
export function isDigest(digest: string): boolean {
  try {
    parseDigest(digest);
    return true;
  } catch {
    return false;
  }
}

/** The digest of these bytes, `sha256:<hex>` by default. */
export function digestOf(data: Buffer | Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

export interface ExpectedContent {
  digest: string;
  /** Exact byte count; omitted when unknown (e.g. diff_ids of uncompressed layers). */
  size?: number;
  /** Names the content in error messages: `layer 2 (sha256:…) of oci:/images/app`. */
  what: string;
}

/**
 * A pass-through stream that hashes what flows through and fails with SIZE_MISMATCH as soon
 * as more bytes than expected arrive, or with DIGEST_MISMATCH/SIZE_MISMATCH at the end, so
 * a consumer never sees a clean end for bad bytes.
 * @throws ImageError MANIFEST_INVALID when the expected digest is malformed.
 */
export function createDigestVerifier(expected: ExpectedContent): Transform {
  const { algorithm } = parseDigest(expected.digest);
  const hash = createHash(algorithm);
  let seen = 0;

  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      seen += chunk.length;
      if (expected.size !== undefined && seen > expected.size) {
        callback(sizeMismatch(expected, seen));
        return;
      }

      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback): void {
      if (expected.size !== undefined && seen !== expected.size) {
        callback(sizeMismatch(expected, seen));
        return;
      }

      const actual = `${algorithm}:${hash.digest('hex')}`;
      if (actual !== expected.digest) {
        callback(
          new ImageError(
            'DIGEST_MISMATCH',
            `${expected.what} hashed to ${actual}, expected ${expected.digest}; the content is ` +
              'corrupt or was tampered with: fetch or rebuild the image',
          ),
        );
        return;
      }

      callback();
    },
  });
}

/**
 * Checks a whole buffer against its expected digest and size.
 * @throws ImageError DIGEST_MISMATCH or SIZE_MISMATCH.
 */
export function verifyBuffer(data: Buffer, expected: ExpectedContent): void {
  if (expected.size !== undefined && data.length !== expected.size) {
    throw sizeMismatch(expected, data.length);
  }

  const { algorithm } = parseDigest(expected.digest);
  const actual = digestOf(data, algorithm);
  if (actual !== expected.digest) {
    throw new ImageError(
      'DIGEST_MISMATCH',
      `${expected.what} hashed to ${actual}, expected ${expected.digest}; the content is ` +
        'corrupt or was tampered with: fetch or rebuild the image',
    );
  }
}

function sizeMismatch(expected: ExpectedContent, seen: number): ImageError {
  const got = seen > (expected.size ?? 0) ? `more than ${expected.size}` : `${seen}`;
  return new ImageError(
    'SIZE_MISMATCH',
    `${expected.what} has ${got} bytes, the descriptor says ${expected.size}; the content is ` +
      'truncated or was replaced: fetch or rebuild the image',
  );
}
