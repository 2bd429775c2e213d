// Turns a layer blob into its uncompressed tar stream. The compression is read from the
// blob's magic bytes (gzip 1f 8b, zstd 28 b5 2f fd), which settles mislabelled layers; the
// declared media type is only cross-checked. zstd uses Node's native decoder when present
// (Node 22.15+) and the pure-JS fzstd streaming decoder otherwise.
// Limitation: on Node 20 zstd layers decode at about 50 MB/s (fzstd), several times slower
// than gzip through zlib; Node 22.15+ uses the native decoder automatically.
import { Decompress } from 'fzstd';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import type { Compression } from '../media-types.js';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** The compression these leading bytes announce. */
export function detectCompression(head: Buffer): Compression {
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) {
    return 'gzip';
  }

  return head.subarray(0, 4).equals(ZSTD_MAGIC) ? 'zstd' : 'none';
}

/**
 * Reads up to `bytes` leading bytes without consuming them: the returned stream yields the
 * whole content again.
 */
export function peekStream(
  source: Readable,
  bytes: number,
): Promise<{ head: Buffer; stream: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;

    const finish = (ended: boolean): void => {
      source.off('data', onData).off('end', onEnd).off('error', onError);
      const head = Buffer.concat(chunks);
      if (ended) {
        resolve({ head, stream: Readable.from(head.length > 0 ? [head] : []) });
        return;
      }

      source.pause();
      source.unshift(head);
      resolve({ head, stream: source });
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) {
        finish(false);
      }
    };
    const onEnd = (): void => finish(true);
    const onError = (err: Error): void => {
      source.off('data', onData).off('end', onEnd);
      reject(err);
    };

    source.on('data', onData).once('end', onEnd).once('error', onError);
  });
}

/** A stream that decompresses `compression` (a pass-through for `none`). */
export function createDecompressor(compression: Compression): Transform {
  if (compression === 'gzip') {
    return zlib.createGunzip({ chunkSize: 128 * 1024 });
  }

  if (compression === 'none') {
    return new Transform({ transform: (chunk, _encoding, callback) => callback(null, chunk) });
  }

  const native = (zlib as unknown as { createZstdDecompress?: () => Transform })
    .createZstdDecompress;
  return native === undefined ? new ZstdDecompressor() : native();
}

class ZstdDecompressor extends Transform {
  private readonly decoder = new Decompress((chunk: Uint8Array) => {
    if (chunk.length > 0) {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    }
  });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    try {
      this.decoder.push(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }
}
