// The targeted second pass: selected hard links and symlinks get their bytes from the file they
// lead to, which may sit in another layer or may not have been selected itself. Only the layers
// holding such files are read again, and only those files are captured.
import {
  createCaptureSink,
  isCaptured,
  type CaptureResults,
  type FileWants,
} from './capture.js';
import type { EntrySink } from './layers/read-layer.js';
import { absoluteLinkTarget, resolveImagePath } from './paths.js';
import { walkLayer, type LayerWalk } from './stream-layer.js';
import type { FileMeta } from './types.js';

/** A selected hard link or symlink whose content must come from elsewhere. */
export interface Deferred {
  meta: FileMeta;
  wants: FileWants;
}

interface Fetch {
  layer: number;
  /** Path of the regular file in the layer. */
  source: string;
  /** Path the captured content and scan results are kept under. */
  storeAs: string;
  wants: FileWants;
}

/**
 * Reads again the layers that hold what deferred entries lead to.
 * @throws ImageError as walkLayer does.
 */
export async function fetchDeferred(
  deferred: readonly Deferred[],
  entries: ReadonlyMap<string, FileMeta>,
  results: CaptureResults,
  walk: LayerWalk,
): Promise<void> {
  const byLayer = new Map<number, Map<string, Fetch[]>>();
  for (const item of deferred) {
    const fetch = planFetch(item, entries);
    if (fetch === undefined || isCaptured(fetch.storeAs, fetch.wants, results)) {
      continue;
    }

    if (shareCapture(fetch, entries, results)) {
      continue;
    }

    const layer = fetch.layer;
    const sources = byLayer.get(layer) ?? new Map<string, Fetch[]>();
    sources.set(fetch.source, [...(sources.get(fetch.source) ?? []), fetch]);
    byLayer.set(layer, sources);
  }

  for (const [layer, sources] of byLayer) {
    await walkLayer(walk, layer, (entry) => {
      const fetches = entry.type === 'file' ? sources.get(entry.path) : undefined;
      if (fetches === undefined) {
        return undefined;
      }

      const sinks = fetches.map((f) => createCaptureSink(f.storeAs, entry.size, f.wants, results));
      return fanOut(sinks);
    });
  }
}

// A hard link reads its target in its own layer; a symlink reads the final file it leads to.
function planFetch(item: Deferred, entries: ReadonlyMap<string, FileMeta>): Fetch | undefined {
  const { meta, wants } = item;
  if (meta.type === 'hardlink') {
    return hardLinkFetch(meta, meta.path, wants);
  }

  const finalPath = resolveImagePath(meta.path, true, (path) => {
    const found = entries.get(path);
    return found?.type === 'symlink' ? found.linkTarget : undefined;
  });
  const target = finalPath === undefined ? undefined : entries.get(finalPath);
  if (target?.layer === undefined) {
    return undefined;
  }

  if (target.type === 'hardlink') {
    return hardLinkFetch(target, target.path, wants);
  }

  if (target.type !== 'file') {
    return undefined;
  }

  return { layer: target.layer.index, source: target.path, storeAs: target.path, wants };
}

function hardLinkFetch(link: FileMeta, storeAs: string, wants: FileWants): Fetch | undefined {
  if (link.layer === undefined || link.linkTarget === undefined) {
    return undefined;
  }

  const source = absoluteLinkTarget('/', link.linkTarget);
  return { layer: link.layer.index, source, storeAs, wants };
}

// A hard link to a file captured from the same layer shares its bytes (the view reads through
// the link) and its scan results, so no second read is needed.
function shareCapture(
  fetch: Fetch,
  entries: ReadonlyMap<string, FileMeta>,
  results: CaptureResults,
): boolean {
  const target = entries.get(fetch.source);
  const sameFile = target?.type === 'file' && target.layer?.index === fetch.layer;
  if (!sameFile || fetch.source === fetch.storeAs) {
    return false;
  }

  if (!isCaptured(fetch.source, fetch.wants, results)) {
    return false;
  }

  for (const { cataloger } of fetch.wants.scans) {
    results.scanned.add(`${fetch.storeAs}\0${cataloger}`);
    const result = results.scans.get(fetch.source)?.get(cataloger);
    if (result !== undefined) {
      const forPath = results.scans.get(fetch.storeAs) ?? new Map<string, unknown>();
      results.scans.set(fetch.storeAs, forPath.set(cataloger, result));
    }
  }

  return true;
}

function fanOut(sinks: EntrySink[]): EntrySink {
  return {
    write(chunk) {
      for (const sink of sinks) {
        sink.write(chunk);
      }
    },
    async end() {
      for (const sink of sinks) {
        await sink.end();
      }
    },
  };
}
