// The apk cataloger: Alpine (and other apk-based distributions') installed packages.
import type { FileMeta, FileView, Want } from '../../../image/types.js';
import type { CatalogContext, CatalogResult, Cataloger } from '../../cataloger.js';
import { hasContent } from '../../files.js';
import type { OsRelease, Package } from '../../model.js';
import { buildPurl } from '../../purl.js';
import { type ApkEntry, parseApkInstalled } from './installed.js';

// Limitation: every apk package is attributed to the layer that last wrote this database,
// not necessarily the one that added it; that needs each layer's copy of the database.
const INSTALLED = '/lib/apk/db/installed';
const MAX_INSTALLED_BYTES = 64 * 1024 * 1024;

// OSV ecosystem names for apk-based distributions; anything else matches Alpine's data.
const ECOSYSTEMS: Record<string, string> = {
  alpine: 'Alpine',
  wolfi: 'Wolfi',
  chainguard: 'Chainguard',
};

function select(meta: FileMeta): Want | undefined {
  if (!hasContent(meta) || meta.path !== INSTALLED) {
    return undefined;
  }

  return { kind: 'content', maxBytes: MAX_INSTALLED_BYTES };
}

async function catalog(view: FileView, context: CatalogContext): Promise<CatalogResult> {
  const content = await view.readFile(INSTALLED);
  if (content === undefined) {
    return { packages: [], warnings: [] };
  }

  const { entries, warnings } = parseApkInstalled(content.toString('utf8'), INSTALLED);
  return { packages: entries.map((entry) => toPackage(entry, context.os)), warnings };
}

function toPackage(entry: ApkEntry, os: OsRelease | undefined): Package {
  const id = os !== undefined && ECOSYSTEMS[os.id] !== undefined ? os.id : 'alpine';
  const distro = os?.versionId === undefined ? undefined : `${id}-${os.versionId}`;
  const metadata: Record<string, string> = {};
  if (entry.architecture !== undefined) {
    metadata.architecture = entry.architecture;
  }

  return {
    name: entry.name,
    version: entry.version,
    type: 'apk',
    ecosystem: ECOSYSTEMS[id] ?? 'Alpine',
    purl: buildPurl({
      type: 'apk',
      namespace: id,
      name: entry.name,
      version: entry.version,
      qualifiers: { arch: entry.architecture, distro },
    }),
    // An apk's origin is the APKBUILD it was built from, always at the same version.
    source: { name: entry.origin ?? entry.name, version: entry.version },
    licenses: entry.license === undefined ? [] : [entry.license],
    locations: [{ path: INSTALLED }],
    metadata,
  };
}

export const apkCataloger: Cataloger = { name: 'apk', select, catalog };
