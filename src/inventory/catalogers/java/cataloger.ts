// The Java archive cataloger: Maven packages in jar, war, ear and similar archives.
import type { FileMeta, FileView, Want } from '../../../image/types.js';
import type { CatalogResult, Cataloger } from '../../cataloger.js';
import { hasContent, visitSelected } from '../../files.js';
import type { Package, Warning } from '../../model.js';
import { ARCHIVE_EXTENSIONS, catalogArchive } from './archive.js';

const MAX_ARCHIVE_BYTES = 512 * 1024 * 1024;

function isArchive(path: string): boolean {
  return ARCHIVE_EXTENSIONS.test(path);
}

function select(meta: FileMeta): Want | undefined {
  if (!hasContent(meta) || !isArchive(meta.path)) {
    return undefined;
  }

  return { kind: 'content', maxBytes: MAX_ARCHIVE_BYTES };
}

async function catalog(view: FileView): Promise<CatalogResult> {
  const packages: Package[] = [];
  const warnings: Warning[] = [];

  await visitSelected(view, isArchive, warnings, async (meta, bytes) => {
    const result = await catalogArchive(bytes, meta.path);
    packages.push(...result.packages);
    warnings.push(...result.warnings);
  });

  return { packages, warnings };
}

export const javaArchiveCataloger: Cataloger = { name: 'java-archive', select, catalog };
