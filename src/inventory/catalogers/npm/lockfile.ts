// Reads package-lock.json, npm-shrinkwrap.json and the hidden node_modules/.package-lock.json
// (https://docs.npmjs.com/cli/configuring-npm/package-lock-json): v2/v3 list packages by
// install path under `packages`; v1 nests them under `dependencies`.
import { isNpmName, isRecord, licensesOf } from './manifest.js';

export interface LockedPackage {
  name: string;
  version: string;
  /** Install path relative to the project root: `node_modules/a/node_modules/b`. */
  installPath: string;
  licenses: string[];
  dev: boolean;
}

export interface LockfileResult {
  packages: LockedPackage[];
  problems: string[];
}

export const MAX_LOCK_ENTRIES = 200_000;
const MAX_DEPTH = 64;

/** Parses a lockfile document. Throws SyntaxError on invalid JSON. */
export function parseLockfile(text: string): LockfileResult {
  const doc: unknown = JSON.parse(text);
  const result: LockfileResult = { packages: [], problems: [] };
  if (!isRecord(doc)) {
    result.problems.push('lockfile is not a JSON object');
    return result;
  }

  if (isRecord(doc.packages)) {
    readPackages(doc.packages, result);
  } else if (isRecord(doc.dependencies)) {
    readDependencies(doc.dependencies, '', 0, result);
  }

  return result;
}

function readPackages(packages: Record<string, unknown>, result: LockfileResult): void {
  for (const [key, entry] of Object.entries(packages)) {
    // The root project is "", workspace sources have no node_modules/ segment.
    const cut = key.lastIndexOf('node_modules/');
    if (key === '' || cut < 0 || !isRecord(entry) || entry.link === true) {
      continue;
    }

    if (result.packages.length >= MAX_LOCK_ENTRIES) {
      result.problems.push(`more than ${MAX_LOCK_ENTRIES} entries; the rest were not read`);
      return;
    }

    const name = typeof entry.name === 'string' ? entry.name : key.slice(cut + 13);
    add(result, key, name, entry);
  }
}

function readDependencies(
  deps: Record<string, unknown>,
  parent: string,
  depth: number,
  result: LockfileResult,
): void {
  if (depth > MAX_DEPTH) {
    result.problems.push(`dependencies nested deeper than ${MAX_DEPTH}; the rest were not read`);
    return;
  }

  for (const [name, entry] of Object.entries(deps)) {
    if (!isRecord(entry) || result.packages.length >= MAX_LOCK_ENTRIES) {
      continue;
    }

    const installPath = `${parent}node_modules/${name}`;
    add(result, installPath, name, entry);
    if (isRecord(entry.dependencies)) {
      readDependencies(entry.dependencies, `${installPath}/`, depth + 1, result);
    }
  }
}

function add(
  result: LockfileResult,
  installPath: string,
  lockedName: string,
  entry: Record<string, unknown>,
): void {
  // v1 writes an aliased dependency's version as `npm:real-name@version`.
  const alias = typeof entry.version === 'string' ? /^npm:(.+)@([^@]+)$/.exec(entry.version) : null;
  const name = alias?.[1] ?? lockedName;
  const version = alias?.[2] ?? entry.version;
  if (!isNpmName(name) || typeof version !== 'string' || version === '' || /\s/.test(version)) {
    result.problems.push(`entry ${installPath} has no valid name or version; skipped`);
    return;
  }

  // v1 records local and git dependencies by their spec; those are not registry versions.
  if (/^(file|link|git\+\w+|git|github|https?):/.test(version)) {
    return;
  }

  result.packages.push({
    name,
    version,
    installPath,
    licenses: licensesOf(entry),
    dev: entry.dev === true,
  });
}
