// Streams one layer: decompress, count bytes against the limits, and walk the tar entries,
// handing each to a callback. Bodies nobody wants are drained without being buffered.
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, type ExtractEvents, type Header } from 'tar-stream';
import { ImageError } from '../errors.js';
import type { ImageLimits } from '../limits.js';
import type { Compression } from '../media-types.js';
import { createDecompressor, detectCompression, peekStream } from './decompress.js';
import { type LayerEntry, toLayerEntry } from './entry.js';

/** Receives a wanted entry's body chunk by chunk; `end` may be async (e.g. spilling). */
export interface EntrySink {
  write(chunk: Buffer): void;
  end(): void | Promise<void>;
}

type TarBody = ExtractEvents['entry'][1];

/** Totals shared by all layers of one image, checked against the image-wide limits. */
export interface ImageCounters {
  bytes: number;
  entries: number;
}

export interface ReadLayerOptions {
  /** `layer 2 (sha256:…) of oci:/img`: names the layer in errors. */
  what: string;
  declared: Compression;
  limits: ImageLimits;
  counters: ImageCounters;
  /** Returns a sink to receive the entry's body, or undefined to skip it. */
  onEntry: (entry: LayerEntry) => EntrySink | undefined;
  /** Called with uncompressed bytes as they are read, for progress. */
  onBytes?: (bytes: number) => void;
  /** Told when the magic bytes disagree with the declared media type. */
  onMismatch?: (detected: Compression) => void;
}

/**
 * Reads a layer blob to its end.
 * @throws ImageError CORRUPT_LAYER (bad gzip/zstd/tar), LIMIT_EXCEEDED, PATH_TRAVERSAL, and
 * whatever the blob stream fails with (DIGEST_MISMATCH, SIZE_MISMATCH).
 */
export async function readLayer(blob: Readable, options: ReadLayerOptions): Promise<void> {
  const { head, stream } = await peekStream(blob, 4).catch((err: unknown) => {
    throw wrap(err, options.what);
  });
  const detected = detectCompression(head);
  if (detected !== options.declared) {
    options.onMismatch?.(detected);
  }

  const tar = extract();
  tar.on('entry', (header: Header, body: TarBody, next: (err?: Error | null) => void) => {
    let sink: EntrySink | undefined;
    try {
      options.counters.entries += 1;
      if (options.counters.entries > options.limits.maxEntries) {
        throw limit(`${options.what} brings the image over ${options.limits.maxEntries} entries`);
      }

      const entry = toLayerEntry(header, options.limits.maxPathLength, options.what);
      sink = entry === undefined ? undefined : options.onEntry(entry);
    } catch (err) {
      tar.destroy(err as Error);
      return;
    }

    if (sink === undefined) {
      body.on('end', next).resume();
      return;
    }

    const wanted = sink;
    body.on('data', (chunk) => wanted.write(chunk as Buffer));
    body.on('end', () => {
      Promise.resolve()
        .then(() => wanted.end())
        .then(
          () => next(),
          (err: unknown) => tar.destroy(err as Error),
        );
    });
  });

  try {
    await pipeline(stream, createDecompressor(detected), countBytes(options), tar);
  } catch (err) {
    throw wrap(err, options.what);
  }
}

function countBytes(options: ReadLayerOptions): Transform {
  let layerBytes = 0;
  const { limits, counters } = options;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      layerBytes += chunk.length;
      counters.bytes += chunk.length;
      if (layerBytes > limits.maxLayerBytes) {
        callback(limit(`${options.what} unpacks to more than ${limits.maxLayerBytes} bytes`));
        return;
      }

      if (counters.bytes > limits.maxImageBytes) {
        callback(limit(`the image unpacks to more than ${limits.maxImageBytes} bytes`));
        return;
      }

      options.onBytes?.(chunk.length);
      callback(null, chunk);
    },
  });
}

function limit(message: string): ImageError {
  return new ImageError(
    'LIMIT_EXCEEDED',
    `${message}; it may be a decompression bomb (raise the limit only for trusted images)`,
  );
}

function wrap(err: unknown, what: string): ImageError {
  if (err instanceof ImageError) {
    return err;
  }

  const detail = err instanceof Error ? err.message : String(err);
  return new ImageError(
    'CORRUPT_LAYER',
    `${what} could not be read (${detail}); the blob is truncated or corrupt: fetch or ` +
      'rebuild the image',
    { cause: err },
  );
}
