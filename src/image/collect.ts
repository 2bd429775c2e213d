// Collects what catalogers need from an image in one streaming pass over its layers, top-down,
// so each file of the final filesystem is met once and shadowed or deleted entries are skipped
// unread. Only files some cataloger selects are kept; nothing is unpacked to disk.
import type { Cataloger } from '../inventory/cataloger.js';
import { createCaptureSink, wantsFor, type CaptureResults } from './capture.js';
import { ContentStore } from './content-store.js';
import { fetchDeferred, type Deferred } from './deferred.js';
import { layerRefs } from './layer-refs.js';
import { resolveLimits, type ImageLimits } from './limits.js';
import { OverlayTree } from './overlay.js';
import { walkLayer, type LayerWalk } from './stream-layer.js';
import type { FileMeta, ImageSource, Progress, ResolvedImage } from './types.js';
import { ImageFileView } from './view.js';

export interface CollectOptions {
  limits?: Partial<ImageLimits>;
  onProgress?: (progress: Progress) => void;
  /** Parent of the work dir for large captured files (default: the OS temp dir). */
  tempDir?: string;
  /** Captured files above this many bytes are kept on disk, not in memory. */
  spillThreshold?: number;
}

/**
 * Streams the image's layers and returns the view catalogers read. Close the view when done.
 * @throws ImageError CORRUPT_LAYER, DIGEST_MISMATCH, SIZE_MISMATCH, LIMIT_EXCEEDED,
 * PATH_TRAVERSAL, UNSUPPORTED_MEDIA_TYPE naming the layer.
 */
export async function collectImage(
  source: ImageSource,
  image: ResolvedImage,
  catalogers: readonly Cataloger[],
  options: CollectOptions = {},
): Promise<ImageFileView> {
  const limits = resolveLimits(options.limits);
  const results = newResults(limits, options);
  const entries = new Map<string, FileMeta>();
  const deferred: Deferred[] = [];
  const refs = layerRefs(image);
  const tree = new OverlayTree();
  const walk: LayerWalk = {
    source,
    image,
    limits,
    counters: { bytes: 0, entries: 0 },
    warnings: results.warnings,
  };
  const report = progressReporter(image, options.onProgress);

  try {
    for (let index = image.layers.length - 1; index >= 0; index -= 1) {
      tree.beginLayer(index);
      walk.onBlobBytes = (bytes) => report(index, bytes);
      await walkLayer(walk, index, (entry) => {
        if (tree.decide(entry) !== 'visible') {
          return undefined;
        }

        const meta: FileMeta = { ...entry, layer: refs[index] };
        if (meta.type === 'hardlink') {
          meta.size = hardLinkSize(meta, entries);
        }

        entries.set(meta.path, meta);
        const wants = wantsFor(meta, catalogers, results);
        if (wants === undefined) {
          return undefined;
        }

        if (meta.type === 'file') {
          return createCaptureSink(meta.path, meta.size, wants, results);
        }

        deferred.push({ meta, wants });
        return undefined;
      });
      tree.endLayer();
    }

    // The second pass reads a few layers again; it has its own counters and no progress.
    const again = { ...walk, counters: { bytes: 0, entries: 0 }, onBlobBytes: undefined };
    await fetchDeferred(deferred, entries, results, again);
  } catch (err) {
    await results.store.close();
    throw err;
  }

  return new ImageFileView({
    entries,
    contents: results.store,
    scans: results.scans,
    warnings: results.warnings,
  });
}

// Tar gives hard links no size; the target, written earlier in the same layer, knows it.
function hardLinkSize(link: FileMeta, entries: ReadonlyMap<string, FileMeta>): number {
  const target = link.linkTarget === undefined ? undefined : entries.get(link.linkTarget);
  const sameLayer = target?.type === 'file' && target.layer?.index === link.layer?.index;
  return sameLayer ? (target?.size ?? 0) : 0;
}

function newResults(limits: ImageLimits, options: CollectOptions): CaptureResults {
  const store = new ContentStore({
    ...(options.tempDir === undefined ? {} : { tempDir: options.tempDir }),
    ...(options.spillThreshold === undefined ? {} : { spillThreshold: options.spillThreshold }),
  });
  return { store, scans: new Map(), scanned: new Set(), warnings: [], limits };
}

// Progress counts compressed bytes, the only total known up front; reported per 1 MiB.
function progressReporter(image: ResolvedImage, onProgress?: (progress: Progress) => void) {
  const totalBytes = image.layers.reduce((sum, layer) => sum + layer.size, 0);
  const layers = image.layers.length;
  let finished = 0;
  let lastReported = -Infinity;
  let current = -1;
  let currentBytes = 0;
  return (index: number, layerBytes: number): void => {
    if (onProgress === undefined) {
      return;
    }

    if (index !== current) {
      finished += currentBytes;
      current = index;
    }

    currentBytes = layerBytes;
    const bytes = finished + layerBytes;
    const layerDone = layerBytes === image.layers[index]?.size;
    if (bytes - lastReported < 1024 * 1024 && !layerDone) {
      return;
    }

    lastReported = bytes;
    onProgress({ layer: layers - index, layers, bytes, totalBytes });
  };
}
