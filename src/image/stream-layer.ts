// Opens one layer of an image and walks its entries, with progress and the media type check.
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { describeLayer, ImageError } from './errors.js';
import type { LayerEntry } from './layers/entry.js';
import { readLayer, type EntrySink, type ImageCounters } from './layers/read-layer.js';
import type { ImageLimits } from './limits.js';
import { layerCompression } from './media-types.js';
import type { ImageSource, ResolvedImage } from './types.js';
import type { Warning } from '../inventory/model.js';

export interface LayerWalk {
  source: ImageSource;
  image: ResolvedImage;
  limits: ImageLimits;
  counters: ImageCounters;
  warnings: Warning[];
  /** Called with the compressed bytes read so far in this layer. */
  onBlobBytes?: (bytes: number) => void;
}

/**
 * Streams layer `index`, handing each entry to `onEntry`.
 * @throws ImageError from the source and readLayer (CORRUPT_LAYER, DIGEST_MISMATCH, …).
 */
export async function walkLayer(
  walk: LayerWalk,
  index: number,
  onEntry: (entry: LayerEntry) => EntrySink | undefined,
): Promise<void> {
  const desc = walk.image.layers[index];
  if (desc === undefined) {
    return;
  }

  const what = `${describeLayer(index, desc.digest)} of ${walk.image.reference}`;
  const declared = layerCompression(desc.mediaType, what);
  const blob = await walk.source.openBlob(desc).catch((err: unknown) => {
    throw nameLayer(err, what);
  });
  const counted =
    walk.onBlobBytes === undefined
      ? blob
      : pipeline(blob, tap(walk.onBlobBytes), () => undefined);
  const reading = readLayer(counted, {
    what,
    declared,
    limits: walk.limits,
    counters: walk.counters,
    onEntry,
    onMismatch: (detected) =>
      walk.warnings.push({
        code: 'LAYER_MEDIA_TYPE_MISMATCH',
        message: `${what} is declared ${declared} but its bytes are ${detected}; read as such`,
      }),
  });
  await reading.catch((err: unknown) => {
    throw nameLayer(err, what);
  });
}

// Errors from the source (a bad digest, a missing blob) get the layer's index in their message.
function nameLayer(err: unknown, what: string): unknown {
  if (!(err instanceof ImageError) || err.message.startsWith(what)) {
    return err;
  }

  return new ImageError(err.code, `${what}: ${err.message}`, { cause: err });
}

function tap(onBytes: (bytes: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      total += chunk.length;
      onBytes(total);
      callback(null, chunk);
    },
  });
}
