// Real node_modules trees installed from the npm registry at pinned versions, cached by the
// sorted package list. Install scripts never run: the tree is data to inventory, and peer
// dependency conflicts between unrelated fixture packages are ignored (--legacy-peer-deps).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheKey, cachedDir } from './cache.js';
import { run } from './run.js';

/**
 * Old versions with advisories in the shared OSV npm data: a scoped package, nested
 * dependencies (`@babel/traverse` pulls debug, ms, globals…) and classic prototype-pollution
 * cases.
 */
export const VULNERABLE_NPM_PACKAGES = [
  'lodash@4.17.15',
  'minimist@0.0.8',
  '@babel/traverse@7.0.0',
  'axios@0.18.0',
  'moment@2.19.1',
] as const;

/** Requirements for `npmTree`, in `skipReason()` form (the npm registry must be reachable). */
export const NPM_NEEDS = { tools: ['npm'] };

/**
 * A project directory holding `package.json`, `package-lock.json` and `node_modules/` with
 * `pkgs` (`name@version`) installed. Cached; treat it as read-only.
 * Throws when npm fails (registry unreachable, unknown version).
 */
export async function npmTree(pkgs: readonly string[]): Promise<string> {
  const sorted = [...pkgs].sort();
  return cachedDir(cacheKey('npm-tree', sorted), async (dir) => {
    const manifest = { name: 'moat-fixture', version: '1.0.0', private: true };
    await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--save-exact',
        '--legacy-peer-deps',
        '--loglevel=error',
        ...sorted,
      ],
      { cwd: dir },
    );
  });
}
