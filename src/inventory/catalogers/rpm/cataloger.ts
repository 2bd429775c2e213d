// The rpm cataloger: installed packages of Red Hat-family and SUSE images from rpm's sqlite
// database (rpm ≥ 4.16) or its older Berkeley DB `Packages` file.
import type { FileMeta, FileView, Want } from '../../../image/types.js';
import { MoatError, describeError } from '../../../errors.js';
import type { CatalogContext, CatalogResult, Cataloger } from '../../cataloger.js';
import { baseName, hasContent, selectedEntries, visitSelected } from '../../files.js';
import type { Package, Warning } from '../../model.js';
import { readBerkeleyBlobs } from './berkeley.js';
import { rpmDistroOf } from './distro.js';
import { TAG, parseRpmHeader } from './header.js';
import { toPackage } from './package.js';
import { readRpmBlobs } from './rpmdb.js';

const DIRS = ['/var/lib/rpm', '/usr/lib/sysimage/rpm'];
const DATABASES = new Set(DIRS.flatMap((dir) => [`${dir}/rpmdb.sqlite`, `${dir}/Packages`]));
// Limitation: ndb databases (`Packages.db`, SUSE) are not read; such images report a
// warning and no rpm packages.
const NDB = new Set(DIRS.map((dir) => `${dir}/Packages.db`));
const MAX_DB_BYTES = 512 * 1024 * 1024;
// Limitation: every rpm package is attributed to the layer that last wrote the database,
// not necessarily the one that added it; that needs each layer's copy of the database.
const WANTED = new Set<number>(Object.values(TAG));

function select(meta: FileMeta): Want | undefined {
  if (!hasContent(meta) || !DATABASES.has(meta.path)) {
    return undefined;
  }

  return { kind: 'content', maxBytes: MAX_DB_BYTES };
}

async function catalog(view: FileView, context: CatalogContext): Promise<CatalogResult> {
  const packages: Package[] = [];
  const warnings: Warning[] = [];
  const distro = rpmDistroOf(context.os);

  for (const meta of selectedEntries(view, (path) => NDB.has(path))) {
    const message = 'rpm database format not supported (ndb); packages not listed';
    warnings.push({ code: 'RPM_DB_UNSUPPORTED', message, path: meta.path });
  }

  await visitSelected(view, (path) => DATABASES.has(path), warnings, (meta, bytes) => {
    let blobs: Buffer[];
    try {
      const read = readBlobs(meta.path, bytes);
      blobs = read.blobs;
      for (const message of read.problems.slice(0, 20)) {
        warnings.push({ code: 'RPM_DB_CORRUPT_ENTRY', message, path: meta.path });
      }
    } catch (err) {
      const code = err instanceof MoatError ? err.code : 'RPM_DB_INVALID';
      warnings.push({ code, message: describeError(err), path: meta.path });
      return;
    }

    for (const [index, blob] of blobs.entries()) {
      try {
        const pkg = toPackage(parseRpmHeader(blob, WANTED), distro, meta.path);
        if (pkg !== undefined) {
          packages.push(pkg);
        }
      } catch (err) {
        const message = `package record ${index + 1}: ${describeError(err)}; skipped`;
        warnings.push({ code: 'RPM_HEADER_CORRUPT', message, path: meta.path });
      }
    }
  });

  return { packages, warnings };
}

function readBlobs(path: string, bytes: Buffer): { blobs: Buffer[]; problems: string[] } {
  if (baseName(path) === 'Packages') {
    return readBerkeleyBlobs(bytes);
  }

  return { blobs: readRpmBlobs(bytes), problems: [] };
}

export const rpmCataloger: Cataloger = { name: 'rpm', select, catalog };
