// The contract every cataloger implements. Catalogers are listed in one registry
// (catalogers/index.ts); none registers itself at import time.
import type { FileMeta, FileView, Want } from '../image/types.js';
import type { OsRelease, Package, Warning } from './model.js';

export interface CatalogContext {
  /** The image's operating system, detected before the package catalogers run. */
  os?: OsRelease;
}

export interface CatalogResult {
  packages: Package[];
  warnings: Warning[];
}

export interface Cataloger {
  /** Short stable name: `dpkg`, `npm`, `go-binary`, … */
  readonly name: string;
  /** Decides from metadata alone whether, and how, this cataloger needs a file. */
  select(meta: FileMeta): Want | undefined;
  /** Builds packages from the files it selected. Never throws for bad content: warns instead. */
  catalog(view: FileView, context: CatalogContext): Promise<CatalogResult>;
}
