// The Python cataloger: installed distributions in site-packages and dist-packages, from
// .dist-info/METADATA, .egg-info/PKG-INFO and single-file .egg-info metadata.
import type { FileMeta, FileView, Want } from '../../../image/types.js';
import type { CatalogResult, Cataloger } from '../../cataloger.js';
import { dirName, hasContent, visitSelected } from '../../files.js';
import type { Package, Warning } from '../../model.js';
import { buildPurl } from '../../purl.js';
import { normalisePythonName, parsePythonMetadata } from './metadata.js';

const METADATA =
  /\/(?:site|dist)-packages\/[^/]+(?:\.dist-info\/METADATA|\.egg-info\/PKG-INFO|\.egg-info)$/;
const MAX_METADATA_BYTES = 8 * 1024 * 1024;

function isMetadata(path: string): boolean {
  return METADATA.test(path);
}

function select(meta: FileMeta): Want | undefined {
  if (!hasContent(meta) || !isMetadata(meta.path)) {
    return undefined;
  }

  return { kind: 'content', maxBytes: MAX_METADATA_BYTES };
}

async function catalog(view: FileView): Promise<CatalogResult> {
  const warnings: Warning[] = [];
  const byKey = new Map<string, Package>();

  await visitSelected(view, isMetadata, warnings, (meta, content) => {
    const parsed = parsePythonMetadata(content.toString('utf8'));
    if (parsed === undefined) {
      warnings.push({
        code: 'PYTHON_INVALID_METADATA',
        message: 'metadata has no valid Name and Version; skipped',
        path: meta.path,
      });
      return;
    }

    // A distribution can leave both a .dist-info and an .egg-info in one directory.
    const normalised = normalisePythonName(parsed.name);
    const key = `${sitePackages(meta.path)}\0${normalised}\0${parsed.version}`;
    const known = byKey.get(key);
    if (known !== undefined) {
      known.locations.push({ path: meta.path });
      return;
    }

    byKey.set(key, {
      name: parsed.name,
      version: parsed.version,
      type: 'pypi',
      ecosystem: 'PyPI',
      purl: buildPurl({ type: 'pypi', name: normalised, version: parsed.version }),
      licenses: parsed.licenses,
      locations: [{ path: meta.path }],
    });
  });

  return { packages: [...byKey.values()], warnings };
}

function sitePackages(path: string): string {
  const parent = dirName(path);
  return /\.(?:dist|egg)-info$/.test(parent) ? dirName(parent) : parent;
}

export const pythonCataloger: Cataloger = { name: 'python', select, catalog };
