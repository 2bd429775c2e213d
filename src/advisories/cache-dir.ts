// Where Moat keeps its advisory database: `--cache-dir`, else `MOAT_CACHE_DIR`, else
// `$XDG_CACHE_HOME/moat`, else `~/.cache/moat` (XDG Base Directory specification).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Resolves the cache directory from the flag and the environment. */
export function resolveCacheDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined && flag !== '') {
    return resolve(flag);
  }

  if (env.MOAT_CACHE_DIR !== undefined && env.MOAT_CACHE_DIR !== '') {
    return resolve(env.MOAT_CACHE_DIR);
  }

  const xdg = env.XDG_CACHE_HOME;
  const home = env.HOME ?? homedir();
  const base = xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.cache');
  return join(base, 'moat');
}

/** The advisory database file inside a cache directory. */
export function advisoryDbPath(cacheDir: string): string {
  return join(cacheDir, 'advisories.db');
}
