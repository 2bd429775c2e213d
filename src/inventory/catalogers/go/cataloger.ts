// The Go binary cataloger: the main module, every dependency module and the standard library
// of each Go executable, from the build information the scanner found while streaming.
// Versions are kept as the binary records them (`v1.2.3`, `(devel)`); stdlib carries the
// toolchain version without the `go` prefix (`1.21.3`), the form the Go vulnerability
// database and the go version scheme use.
import type { FileMeta, FileView, Want } from '../../../image/types.js';
import type { CatalogResult, Cataloger } from '../../cataloger.js';
import type { Package, Warning } from '../../model.js';
import { buildPurl } from '../../purl.js';
import { type BuildInfoScan, createBuildInfoScanner } from './buildinfo-scanner.js';
import { type GoModInfo, parseModInfo, stdlibVersion } from './modinfo.js';

const NAME = 'go-binary';
const MIN_BYTES = 1024;
const MAX_BYTES = 512 * 1024 * 1024;

function select(meta: FileMeta): Want | undefined {
  if (meta.type !== 'file' || (meta.mode & 0o111) === 0) {
    return undefined;
  }

  if (meta.size < MIN_BYTES || meta.size > MAX_BYTES) {
    return undefined;
  }

  return { kind: 'scan', createScanner: createBuildInfoScanner };
}

async function catalog(view: FileView): Promise<CatalogResult> {
  const packages: Package[] = [];
  const warnings: Warning[] = [];

  for (const meta of view.entries()) {
    const scan = meta.type === 'file' ? view.scanResult(meta.path, NAME) : undefined;
    if (!isBuildInfoScan(scan)) {
      continue;
    }

    if (scan.format === 'pointer') {
      // Limitation: Go < 1.18 binaries point at their build information instead of holding
      // it inline; reading it needs random access to the file, which a layer stream lacks.
      warnings.push({
        code: 'GO_BUILDINFO_UNSUPPORTED',
        message: 'Go binary built before Go 1.18; its modules are not listed',
        path: meta.path,
      });
      continue;
    }

    if (scan.format === 'truncated') {
      const message = 'Go build information is cut short; skipped';
      warnings.push({ code: 'GO_BUILDINFO_TRUNCATED', message, path: meta.path });
      continue;
    }

    const info = parseModInfo(scan.modinfo);
    if (info.problems > 0) {
      const message = `${info.problems} modinfo lines skipped`;
      warnings.push({ code: 'GO_MODINFO_MALFORMED', message, path: meta.path });
    }

    packages.push(...toPackages(info, scan.goVersion, meta.path));
  }

  return { packages, warnings };
}

function isBuildInfoScan(value: unknown): value is BuildInfoScan {
  if (typeof value !== 'object' || value === null || !('format' in value)) {
    return false;
  }

  if (value.format !== 'inline') {
    return value.format === 'pointer' || value.format === 'truncated';
  }

  return 'goVersion' in value && typeof value.goVersion === 'string'
    && 'modinfo' in value && typeof value.modinfo === 'string';
}

function toPackages(info: GoModInfo, goVersion: string, path: string): Package[] {
  const metadata: Record<string, string> = { goToolchain: goVersion };
  for (const key of ['GOOS', 'GOARCH', 'vcs.revision', '-tags']) {
    const value = info.settings.get(key);
    if (value !== undefined) {
      metadata[key] = value;
    }
  }

  if (info.mainPackage !== undefined) {
    metadata.mainPackage = info.mainPackage;
  }

  const packages: Package[] = [];
  // GOPATH-mode builds (as distributions make them) record no `mod`: name the main package.
  const fromPath = info.mainPackage === undefined
    ? undefined
    : { path: info.mainPackage, version: '(devel)' };
  const main = info.main ?? fromPath;
  if (main !== undefined) {
    packages.push(goPackage(main.path, main.version, path, { ...metadata, role: 'main' }));
  }

  for (const dep of info.deps) {
    // The code compiled in is the replacement's when it names a module version; a local
    // directory replacement has none, so the required module is reported.
    const replacement = dep.replacedBy?.version === undefined ? undefined : dep.replacedBy;
    const depMetadata: Record<string, string> = { ...metadata, role: 'dependency' };
    if (dep.replacedBy !== undefined) {
      depMetadata.replacedBy = dep.replacedBy.path;
      depMetadata.replaces = `${dep.path}@${dep.version}`;
    }

    const module = replacement ?? dep;
    packages.push(goPackage(module.path, module.version ?? dep.version, path, depMetadata));
  }

  const stdlib = stdlibVersion(goVersion);
  if (stdlib !== undefined) {
    packages.push(goPackage('stdlib', stdlib, path, { ...metadata, role: 'stdlib' }));
  }

  return packages;
}

function goPackage(
  module: string,
  version: string,
  path: string,
  metadata: Record<string, string>,
): Package {
  const cut = module.lastIndexOf('/');
  return {
    name: module,
    version,
    type: 'golang',
    ecosystem: 'Go',
    purl: buildPurl({
      type: 'golang',
      namespace: cut < 0 ? undefined : module.slice(0, cut),
      name: module.slice(cut + 1),
      version: version === '(devel)' ? undefined : version,
    }),
    licenses: [],
    locations: [{ path }],
    metadata,
  };
}

export const goBinaryCataloger: Cataloger = { name: NAME, select, catalog };
