// Writes one layer blob into an OCI layout's blob store: entries → tar → (gzip | zstd | none),
// hashing the tar (the diff_id) and the stored bytes (the digest) as they stream past.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Duplex, PassThrough, Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import type { Pack } from 'tar-stream';
import type { LayerEntry } from './layer-entries.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export interface LayerBlob {
  /** `sha256:…` of the stored (compressed) bytes. */
  digest: string;
  /** `sha256:…` of the uncompressed tar (config `rootfs.diff_ids`). */
  diffId: string;
  size: number;
  uncompressedSize: number;
  /** Entries in the tar, and how many were regular files. */
  entries: number;
  files: number;
  compression: Compression;
}

/** A Transform that hashes and counts what passes through it. */
class Digester extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.push(chunk);
    done();
  }
}

/**
 * Streams `entries` into `<blobsDir>/<hex>` and returns the layer's digests and sizes.
 * Throws when a source file cannot be read or the compressor fails.
 */
export async function writeLayerBlob(
  entries: AsyncIterable<LayerEntry> | Iterable<LayerEntry>,
  blobsDir: string,
  compression: Compression,
  gzipLevel = 6,
): Promise<LayerBlob> {
  const tmp = join(blobsDir, `.layer-${process.pid}-${Date.now()}-${Math.random()}`);
  const tar = pack();
  const tarDigest = new Digester();
  const blobDigest = new Digester();
  const counts = { entries: 0, files: 0 };
  const written = pipeline(tar, tarDigest, compressor(compression, gzipLevel), blobDigest,
    createWriteStream(tmp));

  try {
    await Promise.all([written, addEntries(tar, entries, counts)]);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }

  const hex = blobDigest.hash.digest('hex');
  await rename(tmp, join(blobsDir, hex));
  return {
    digest: `sha256:${hex}`,
    diffId: `sha256:${tarDigest.hash.digest('hex')}`,
    size: (await stat(join(blobsDir, hex))).size,
    uncompressedSize: tarDigest.bytes,
    ...counts,
    compression,
  };
}

async function addEntries(
  tar: Pack,
  entries: AsyncIterable<LayerEntry> | Iterable<LayerEntry>,
  counts: { entries: number; files: number },
): Promise<void> {
  try {
    for await (const entry of entries) {
      await addEntry(tar, entry);
      counts.entries += 1;
      counts.files += entry.header.type === 'file' ? 1 : 0;
    }

    tar.finalize();
  } catch (err) {
    tar.destroy(err as Error);
    throw err;
  }
}

function addEntry(tar: Pack, entry: LayerEntry): Promise<void> {
  return new Promise((resolveEntry, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolveEntry());
    if (entry.source === undefined) {
      tar.entry(entry.header, entry.content ?? Buffer.alloc(0), done);
      return;
    }

    const sink = tar.entry(entry.header, done);
    const source: Readable = createReadStream(entry.source);
    source.on('error', (err) => {
      sink.destroy(err);
      reject(err);
    });
    source.pipe(sink);
  });
}

function compressor(compression: Compression, gzipLevel: number): Duplex {
  if (compression === 'gzip') {
    return createGzip({ level: gzipLevel });
  }

  if (compression === 'none') {
    return new PassThrough();
  }

  const child = spawn('zstd', ['-q', '-c', '-3', '-T1'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const duplex = Duplex.from({ writable: child.stdin, readable: child.stdout });
  child.on('error', (err) => duplex.destroy(err));
  child.on('exit', (code) => {
    if (code !== 0) {
      duplex.destroy(new Error(`zstd exited ${code}`));
    }
  });
  return duplex;
}
