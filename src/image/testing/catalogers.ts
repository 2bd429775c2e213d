// Catalogers for the collector's tests: they select paths by name and record what they got,
// so tests can assert exactly which files were captured or scanned.
import type { Cataloger } from '../../inventory/cataloger.js';
import type { ContentScanner, FileMeta } from '../types.js';

/** Keeps the content of the listed paths (up to `maxBytes`) and records every select call. */
export function contentCataloger(
  name: string,
  paths: readonly string[],
  maxBytes = 1024 * 1024,
): Cataloger & { seen: FileMeta[] } {
  const seen: FileMeta[] = [];
  return {
    name,
    seen,
    select(meta) {
      seen.push(meta);
      return paths.includes(meta.path) ? { kind: 'content', maxBytes } : undefined;
    },
    catalog: async () => ({ packages: [], warnings: [] }),
  };
}

/** Counts bytes and lines of the listed paths with a scanner; the result is `{ bytes, lines }`. */
export function lineCountCataloger(name: string, paths: readonly string[]): Cataloger {
  return {
    name,
    select(meta) {
      if (!paths.includes(meta.path)) {
        return undefined;
      }

      return { kind: 'scan', createScanner: lineCounter };
    },
    catalog: async () => ({ packages: [], warnings: [] }),
  };
}

function lineCounter(): ContentScanner {
  let bytes = 0;
  let lines = 0;
  return {
    write(chunk) {
      bytes += chunk.length;
      for (const byte of chunk) {
        lines += byte === 0x0a ? 1 : 0;
      }
    },
    end: () => ({ bytes, lines }),
  };
}
