// Reads the shipped catalog files (data/controls/*.yaml) from the package root. The only I/O of
// the catalog; parsing and validation stay pure in control.ts.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mergeCatalogs, parseCatalog, type Control } from './control.js';

/** data/controls/ from both src/posture/catalog (tests) and dist/posture/catalog (installed). */
export const CATALOG_DIR = fileURLToPath(new URL('../../../data/controls/', import.meta.url));

/**
 * Loads and validates every catalog file in `dir`.
 * @throws CatalogError on a malformed file or duplicate ids; Node's errors when unreadable.
 */
export async function loadCatalog(dir: string = CATALOG_DIR): Promise<Map<string, Control>> {
  if (dir !== CATALOG_DIR) {
    return readCatalog(dir);
  }

  // The shipped catalog cannot change during a run; a command asks for it more than once.
  shipped ??= readCatalog(dir).catch((err: unknown) => {
    shipped = undefined;
    throw err;
  });
  return new Map(await shipped);
}

let shipped: Promise<Map<string, Control>> | undefined;

async function readCatalog(dir: string): Promise<Map<string, Control>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort();
  const parts: Control[][] = [];
  for (const name of names) {
    parts.push(parseCatalog(await readFile(join(dir, name), 'utf8'), name));
  }

  return mergeCatalogs(parts);
}
