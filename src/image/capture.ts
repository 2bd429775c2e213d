// What catalogers want from a file, and the sink that gives it to them: bytes kept (within the
// cataloger's maxBytes and the capture limits) and content scanners fed chunk by chunk.
import type { Cataloger } from '../inventory/cataloger.js';
import type { Warning } from '../inventory/model.js';
import type { ContentStore } from './content-store.js';
import type { EntrySink } from './layers/read-layer.js';
import type { ImageLimits } from './limits.js';
import type { ContentScanner, FileMeta } from './types.js';

export interface ScanWant {
  cataloger: string;
  createScanner: () => ContentScanner;
}

/** The union of every cataloger's wants for one file. */
export interface FileWants {
  /** Largest byte count any cataloger accepts for the content; undefined: content not wanted. */
  contentMaxBytes?: number;
  scans: ScanWant[];
}

/** Where captured results go; shared by every layer of one collection. */
export interface CaptureResults {
  store: ContentStore;
  scans: Map<string, Map<string, unknown>>;
  /** `path\0cataloger` for every scan that ran, whatever it returned. */
  scanned: Set<string>;
  warnings: Warning[];
  limits: ImageLimits;
}

/** Asks every cataloger about `meta`; a cataloger that throws is skipped with a warning. */
export function wantsFor(
  meta: FileMeta,
  catalogers: readonly Cataloger[],
  results: CaptureResults,
): FileWants | undefined {
  let wants: FileWants | undefined;
  for (const cataloger of catalogers) {
    let want;
    try {
      want = cataloger.select(meta);
    } catch (err) {
      const message = `cataloger ${cataloger.name} failed to select: ${err}`;
      warn(results, 'SELECT_FAILED', message, meta.path);
      continue;
    }

    if (want === undefined) {
      continue;
    }

    wants ??= { scans: [] };
    if (want.kind === 'content') {
      wants.contentMaxBytes = Math.max(wants.contentMaxBytes ?? 0, want.maxBytes);
    } else {
      wants.scans.push({ cataloger: cataloger.name, createScanner: want.createScanner });
    }
  }

  return wants;
}

/** True when everything `wants` asks for is already captured under `path`. */
export function isCaptured(path: string, wants: FileWants, results: CaptureResults): boolean {
  const content = wants.contentMaxBytes === undefined || results.store.has(path);
  return content && wants.scans.every((s) => results.scanned.has(`${path}\0${s.cataloger}`));
}

/**
 * A sink that captures a file's content under `path` and runs its scanners. `size` is the
 * size the tar header declares; the sink also stops keeping bytes past the limit on its own.
 */
export function createCaptureSink(
  path: string,
  size: number,
  wants: FileWants,
  results: CaptureResults,
): EntrySink {
  const { limits } = results;
  const maxBytes = Math.min(wants.contentMaxBytes ?? -1, limits.maxFileCaptureBytes);
  let writer = wants.contentMaxBytes !== undefined && fits(size)
    ? results.store.beginCapture(path)
    : undefined;
  let dropped: Promise<void> | undefined;
  let bytes = 0;
  const scanners = wants.scans.map((scan) => ({ ...scan, scanner: startScanner(scan) }));

  function fits(total: number): boolean {
    if (total > maxBytes) {
      warn(results, 'FILE_TOO_LARGE', `${path} is over ${maxBytes} bytes; not read`, path);
      return false;
    }

    if (results.store.totalBytes + total > limits.maxCaptureBytes) {
      const message = `captured files exceed ${limits.maxCaptureBytes} bytes; ${path} not read`;
      warn(results, 'CAPTURE_LIMIT', message, path);
      return false;
    }

    return true;
  }

  function startScanner(scan: ScanWant): ContentScanner | undefined {
    try {
      return scan.createScanner();
    } catch (err) {
      warn(results, 'SCANNER_FAILED', `${scan.cataloger} scanner failed: ${err}`, path);
      return undefined;
    }
  }

  return {
    write(chunk: Buffer): void {
      bytes += chunk.length;
      if (writer !== undefined && bytes > size && !fits(bytes)) {
        dropped = writer.discard();
        writer = undefined;
      }

      writer?.write(chunk);

      for (const entry of scanners) {
        try {
          entry.scanner?.write(chunk);
        } catch (err) {
          entry.scanner = undefined;
          warn(results, 'SCANNER_FAILED', `${entry.cataloger} scanner failed: ${err}`, path);
        }
      }
    },
    async end(): Promise<void> {
      for (const entry of scanners) {
        finishScanner(path, entry.cataloger, entry.scanner, results);
      }

      await dropped;
      // The writer copies: a chunk is a view into the decompressor's much larger buffer.
      await writer?.commit();
    },
  };
}

function finishScanner(
  path: string,
  cataloger: string,
  scanner: ContentScanner | undefined,
  results: CaptureResults,
): void {
  if (scanner === undefined) {
    return;
  }

  try {
    const result = scanner.end();
    results.scanned.add(`${path}\0${cataloger}`);
    if (result !== undefined) {
      const forPath = results.scans.get(path) ?? new Map<string, unknown>();
      forPath.set(cataloger, result);
      results.scans.set(path, forPath);
    }
  } catch (err) {
    warn(results, 'SCANNER_FAILED', `${cataloger} scanner failed: ${err}`, path);
  }
}

export function warn(results: CaptureResults, code: string, message: string, path?: string) {
  results.warnings.push(path === undefined ? { code, message } : { code, message, path });
}
