// The dpkg cataloger: Debian and Ubuntu packages from dpkg's status database, with licenses
// from machine-readable copyright files.
import type { FileMeta, FileView, Want } from '../../../image/types.js';
import type { CatalogContext, CatalogResult, Cataloger } from '../../cataloger.js';
import { hasContent, visitSelected } from '../../files.js';
import type { Location, OsRelease, Package, Warning } from '../../model.js';
import { buildPurl } from '../../purl.js';
import { parseCopyrightLicenses } from './copyright.js';
import { type DpkgEntry, parseDpkgStatus } from './status.js';

const STATUS = '/var/lib/dpkg/status';
const STATUS_D = /^\/var\/lib\/dpkg\/status\.d\/[^/]+$/;
const COPYRIGHT = /^\/usr\/share\/doc\/([^/]+)\/copyright$/;
const MAX_STATUS_BYTES = 64 * 1024 * 1024;
const MAX_COPYRIGHT_BYTES = 1024 * 1024;

function isStatusFile(path: string): boolean {
  // status.d/ also holds `*.md5sums` files next to the stanzas.
  return path === STATUS || (STATUS_D.test(path) && !path.endsWith('.md5sums'));
}

function select(meta: FileMeta): Want | undefined {
  if (!hasContent(meta)) {
    return undefined;
  }

  if (isStatusFile(meta.path)) {
    return { kind: 'content', maxBytes: MAX_STATUS_BYTES };
  }

  return COPYRIGHT.test(meta.path) ? { kind: 'content', maxBytes: MAX_COPYRIGHT_BYTES } : undefined;
}

async function catalog(view: FileView, context: CatalogContext): Promise<CatalogResult> {
  const packages: Package[] = [];
  const warnings: Warning[] = [];
  const distro = distroOf(context.os);

  await visitSelected(view, isStatusFile, warnings, async (meta, content) => {
    const parsed = parseDpkgStatus(content.toString('utf8'), meta.path, meta.path === STATUS);
    warnings.push(...parsed.warnings);
    for (const entry of parsed.entries) {
      const licenses = await readLicenses(view, entry.name);
      const locations = locationsOf(view, meta.path, entry);
      const pkg = toPackage(entry, distro, licenses, locations);
      // The status file changes with every install; the package's own .list file was
      // written by the layer that installed (or last upgraded) it.
      const list = locations[1] === undefined ? undefined : view.lstat(locations[1].path);
      packages.push(list?.layer === undefined ? pkg : { ...pkg, layer: list.layer });
    }
  });

  return { packages, warnings };
}

async function readLicenses(view: FileView, name: string): Promise<string[]> {
  const content = await view.readFile(`/usr/share/doc/${name}/copyright`);
  return content === undefined ? [] : parseCopyrightLicenses(content.toString('utf8'));
}

function locationsOf(view: FileView, statusPath: string, entry: DpkgEntry): Location[] {
  const locations: Location[] = [{ path: statusPath }];
  const info = '/var/lib/dpkg/info';
  const candidates = [
    `${info}/${entry.name}.list`,
    `${info}/${entry.name}:${entry.architecture}.list`,
  ];
  for (const path of candidates) {
    if (view.lstat(path) !== undefined) {
      locations.push({ path });
      break;
    }
  }

  return locations;
}

interface Distro {
  ecosystem: 'Debian' | 'Ubuntu';
  namespace: string;
  qualifier?: string;
}

// OSV names the ecosystem after the distribution; derivatives match their parent's data.
function distroOf(os: OsRelease | undefined): Distro {
  const ids = os === undefined ? [] : [os.id, ...os.idLike];
  const ubuntu = ids.find((id) => id === 'ubuntu' || id === 'debian') === 'ubuntu';
  const version = os?.versionId ?? os?.versionCodename;
  const id = ubuntu ? 'ubuntu' : 'debian';
  const qualifier = os !== undefined && version !== undefined ? `${os.id}-${version}` : undefined;
  return { ecosystem: ubuntu ? 'Ubuntu' : 'Debian', namespace: id, qualifier };
}

function toPackage(
  entry: DpkgEntry,
  distro: Distro,
  licenses: string[],
  locations: Location[],
): Package {
  const sourceDiffers = entry.source.name !== entry.name || entry.source.version !== entry.version;
  const upstream = entry.source.version === entry.version
    ? entry.source.name
    : `${entry.source.name}@${entry.source.version}`;
  const metadata: Record<string, string> = {};
  if (entry.architecture !== undefined) {
    metadata.architecture = entry.architecture;
  }

  return {
    name: entry.name,
    version: entry.version,
    type: 'deb',
    ecosystem: distro.ecosystem,
    purl: buildPurl({
      type: 'deb',
      namespace: distro.namespace,
      name: entry.name,
      version: entry.version,
      qualifiers: {
        arch: entry.architecture,
        distro: distro.qualifier,
        upstream: sourceDiffers ? upstream : undefined,
      },
    }),
    source: entry.source,
    licenses,
    locations,
    metadata,
  };
}

export const dpkgCataloger: Cataloger = { name: 'dpkg', select, catalog };
