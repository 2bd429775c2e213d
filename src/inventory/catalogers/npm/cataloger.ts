// The npm cataloger: packages from lockfiles and from the package.json of every installed
// package under node_modules/. A lockfile entry and the installed package at the same path
// are one package with two locations.
import type { FileMeta, FileView, Want } from '../../../image/types.js';
import type { CatalogResult, Cataloger } from '../../cataloger.js';
import { baseName, dirName, hasContent, visitSelected } from '../../files.js';
import type { Package, Warning } from '../../model.js';
import { buildPurl } from '../../purl.js';
import { parseLockfile } from './lockfile.js';
import { parseNpmManifest } from './manifest.js';

const LOCKFILES = new Set(['package-lock.json', 'npm-shrinkwrap.json', '.package-lock.json']);
const INSTALLED = /\/node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;
const MAX_LOCK_BYTES = 64 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 1024 * 1024;

function isLockfile(path: string): boolean {
  const name = baseName(path);
  if (name === '.package-lock.json') {
    return dirName(path).endsWith('/node_modules');
  }

  return LOCKFILES.has(name);
}

function select(meta: FileMeta): Want | undefined {
  if (!hasContent(meta)) {
    return undefined;
  }

  if (isLockfile(meta.path)) {
    return { kind: 'content', maxBytes: MAX_LOCK_BYTES };
  }

  return INSTALLED.test(meta.path) ? { kind: 'content', maxBytes: MAX_MANIFEST_BYTES } : undefined;
}

interface Found {
  name: string;
  version: string;
  licenses: string[];
  installed?: string;
  lockfiles: string[];
  /** A lockfile marks it as needed only for development. */
  dev?: boolean;
}

async function catalog(view: FileView): Promise<CatalogResult> {
  const byDir = new Map<string, Found>();
  const warnings: Warning[] = [];

  await visitSelected(view, (p) => INSTALLED.test(p), warnings, (meta, content) => {
    const manifest = parseOr(content.toString('utf8'), meta.path, warnings, parseNpmManifest);
    if (manifest !== undefined) {
      byDir.set(dirName(meta.path), { ...manifest, installed: meta.path, lockfiles: [] });
    }
  });

  const installedRoots = new Set([...byDir.keys()].map(projectOf));
  await visitSelected(view, isLockfile, warnings, (meta, content) => {
    const lock = parseOr(content.toString('utf8'), meta.path, warnings, parseLockfile);
    if (lock === undefined) {
      return;
    }

    for (const message of lock.problems.slice(0, 20)) {
      warnings.push({ code: 'NPM_LOCK_ENTRY', message, path: meta.path });
    }

    const root = projectRoot(meta.path);
    const lockOnly = reportsLockOnly(root, meta.path, installedRoots);
    for (const locked of lock.packages) {
      const dir = `${root === '/' ? '' : root}/${locked.installPath}`;
      const found = byDir.get(dir);
      if (found === undefined) {
        if (lockOnly) {
          byDir.set(dir, { ...locked, lockfiles: [meta.path] });
        }
      } else if (!found.lockfiles.includes(meta.path)) {
        found.lockfiles.push(meta.path);
        found.licenses = found.licenses.length > 0 ? found.licenses : locked.licenses;
        found.dev = locked.dev;
      }
    }
  });

  return { packages: [...byDir.values()].map(toPackage), warnings };
}

// Where packages are installed, they are the truth: a lockfile entry with no installed
// package.json is an optional dependency for another platform or a pruned one. A lockfile
// shipped inside an installed package (a bundled asset's) describes nothing installed here.
// Only a project with no node_modules/ at all is reported from its lockfile alone.
function reportsLockOnly(root: string, lockfile: string, installedRoots: Set<string>): boolean {
  const insidePackage = baseName(lockfile) !== '.package-lock.json'
    && lockfile.includes('/node_modules/');
  return !insidePackage && !installedRoots.has(root);
}

// `/app/node_modules/a/node_modules/b` → `/app`: the project whose node_modules holds it.
function projectOf(packageDir: string): string {
  const at = packageDir.indexOf('/node_modules/');
  return at <= 0 ? '/' : packageDir.slice(0, at);
}

// The hidden lockfile lives inside node_modules/; its paths are relative to the project.
function projectRoot(lockfile: string): string {
  const dir = dirName(lockfile);
  return baseName(lockfile) === '.package-lock.json' ? dirName(dir) : dir;
}

function parseOr<T>(
  text: string,
  path: string,
  warnings: Warning[],
  parse: (t: string) => T,
): T | undefined {
  try {
    return parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const message = `not valid JSON (${reason}); skipped`;
    warnings.push({ code: 'NPM_INVALID_JSON', message, path });
    return undefined;
  }
}

function toPackage(found: Found): Package {
  const scoped = /^(@[^/]+)\/(.+)$/.exec(found.name);
  const paths = [...(found.installed === undefined ? [] : [found.installed]), ...found.lockfiles];
  return {
    name: found.name,
    version: found.version,
    type: 'npm',
    ecosystem: 'npm',
    purl: buildPurl({
      type: 'npm',
      namespace: scoped?.[1],
      name: scoped?.[2] ?? found.name,
      version: found.version,
    }),
    licenses: found.licenses,
    locations: paths.map((path) => ({ path })),
    metadata: found.dev === true ? { dev: 'true' } : {},
  };
}

export const npmCataloger: Cataloger = { name: 'npm', select, catalog };
