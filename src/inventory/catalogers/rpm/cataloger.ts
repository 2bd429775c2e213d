// The rpm cataloger: installed packages of Red Hat-family and SUSE images from rpm's sqlite
// database. Berkeley DB and ndb databases are reported, never silently read as empty.
import type { FileMeta, FileView, Want } from '../../../image/types.js';
import { describeError } from '../../../errors.js';
import type { CatalogContext, CatalogResult, Cataloger } from '../../cataloger.js';
import { hasContent, selectedEntries, visitSelected } from '../../files.js';
import type { Package, Warning } from '../../model.js';
import { buildPurl } from '../../purl.js';
import { type RpmDistro, rpmDistroOf } from './distro.js';
import { type RpmHeader, TAG, parseRpmHeader } from './header.js';
import { readRpmBlobs } from './rpmdb.js';

const DIRS = ['/var/lib/rpm', '/usr/lib/sysimage/rpm'];
const SQLITE = new Set(DIRS.map((dir) => `${dir}/rpmdb.sqlite`));
// Limitation: Berkeley DB (`Packages`, RHEL ≤ 8, CentOS 7) and ndb (`Packages.db`, SUSE)
// databases are not read; images using them report a warning and no rpm packages.
const UNSUPPORTED = new Set(DIRS.flatMap((dir) => [`${dir}/Packages`, `${dir}/Packages.db`]));
const MAX_DB_BYTES = 512 * 1024 * 1024;
// Limitation: every rpm package is attributed to the layer that last wrote the database,
// not necessarily the one that added it; that needs each layer's copy of the database.
const WANTED = new Set<number>(Object.values(TAG));

function select(meta: FileMeta): Want | undefined {
  if (!hasContent(meta) || !SQLITE.has(meta.path)) {
    return undefined;
  }

  return { kind: 'content', maxBytes: MAX_DB_BYTES };
}

async function catalog(view: FileView, context: CatalogContext): Promise<CatalogResult> {
  const packages: Package[] = [];
  const warnings: Warning[] = [];
  const distro = rpmDistroOf(context.os);

  for (const meta of selectedEntries(view, (path) => UNSUPPORTED.has(path))) {
    const message = 'rpm database format not supported (Berkeley DB or ndb); packages not listed';
    warnings.push({ code: 'RPM_DB_UNSUPPORTED', message, path: meta.path });
  }

  await visitSelected(view, (path) => SQLITE.has(path), warnings, (meta, bytes) => {
    let blobs: Buffer[];
    try {
      blobs = readRpmBlobs(bytes);
    } catch (err) {
      warnings.push({ code: 'RPM_DB_INVALID', message: describeError(err), path: meta.path });
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

function toPackage(header: RpmHeader, distro: RpmDistro, path: string): Package | undefined {
  const text = (tag: number) => {
    const value = header.get(tag);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const name = text(TAG.name);
  const version = text(TAG.version);
  const release = text(TAG.release);
  // gpg-pubkey entries are imported signing keys, not software.
  const missing = name === undefined || version === undefined || release === undefined;
  if (missing || name === 'gpg-pubkey') {
    return undefined;
  }

  const epoch = header.get(TAG.epoch);
  const arch = text(TAG.arch);
  const metadata: Record<string, string> = {};
  for (const [key, value] of [['architecture', arch], ['vendor', text(TAG.vendor)]] as const) {
    if (value !== undefined) {
      metadata[key] = value;
    }
  }

  const license = text(TAG.license);
  const evr = `${typeof epoch === 'number' ? `${epoch}:` : ''}${version}-${release}`;
  return {
    name,
    version: evr,
    type: 'rpm',
    ecosystem: distro.ecosystem,
    purl: buildPurl({
      type: 'rpm',
      namespace: distro.vendor,
      name,
      version: `${version}-${release}`,
      qualifiers: {
        arch,
        epoch: typeof epoch === 'number' ? String(epoch) : undefined,
        distro: distro.qualifier,
      },
    }),
    source: parseSourceRpm(text(TAG.sourceRpm)),
    licenses: license === undefined ? [] : [license],
    locations: [{ path }],
    metadata,
  };
}

/** `openssl-3.0.7-24.el9.src.rpm` → `{ name: 'openssl', version: '3.0.7-24.el9' }`. */
export function parseSourceRpm(file: string | undefined) {
  const match = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(file ?? '');
  if (match?.[1] === undefined) {
    return undefined;
  }

  return { name: match[1], version: `${match[2]}-${match[3]}` };
}

export const rpmCataloger: Cataloger = { name: 'rpm', select, catalog };
