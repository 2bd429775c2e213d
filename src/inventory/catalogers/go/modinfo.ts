// Parses the module information a Go binary carries (the text runtime/debug.BuildInfo
// prints): tab-separated lines `path`, `mod`, `dep`, `=>` (replaces the line before) and
// `build KEY=VALUE`.

export interface GoModule {
  path: string;
  version: string;
  /** The replacement, when a `=>` line followed. */
  replacedBy?: { path: string; version?: string };
}

export interface GoModInfo {
  /** The main package's import path (`path`). */
  mainPackage?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Map<string, string>;
  problems: number;
}

export const MAX_DEPS = 10_000;

/** Parses modinfo text; lines that fit no form are counted in `problems` and skipped. */
export function parseModInfo(text: string): GoModInfo {
  const info: GoModInfo = { deps: [], settings: new Map(), problems: 0 };
  let last: GoModule | undefined;

  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      continue;
    }

    const [kind, ...fields] = line.split('\t');
    if (kind === 'path' && fields[0] !== undefined) {
      info.mainPackage = fields[0];
    } else if ((kind === 'mod' || kind === 'dep') && isModule(fields)) {
      last = { path: fields[0] as string, version: fields[1] as string };
      if (kind === 'mod') {
        info.main = last;
      } else if (info.deps.length < MAX_DEPS) {
        info.deps.push(last);
      }
    } else if (kind === '=>' && last !== undefined && fields[0] !== undefined && fields[0] !== '') {
      // A directory replacement has no version (`(devel)`): the required one stays.
      const version = fields[1] === '' || fields[1] === '(devel)' ? undefined : fields[1];
      last.replacedBy = { path: fields[0], version };
    } else if (kind === 'build' && fields[0] !== undefined && fields[0].includes('=')) {
      const cut = fields[0].indexOf('=');
      info.settings.set(fields[0].slice(0, cut), fields[0].slice(cut + 1));
    } else if (kind !== 'go') {
      info.problems++;
    }
  }

  return info;
}

function isModule(fields: string[]): boolean {
  const [path, version] = fields;
  return path !== undefined && path !== '' && version !== undefined && version !== '';
}

/**
 * The stdlib version in the Go vulnerability database's form: `go1.21.3` → `1.21.3`,
 * `go1.20` → `1.20.0`, `go1.22rc1` → `1.22.0-rc.1`. Undefined for development toolchains.
 */
export function stdlibVersion(goVersion: string): string | undefined {
  // Experiments follow a space: "go1.21.3 X:boringcrypto".
  const release = goVersion.split(' ')[0] ?? '';
  const match = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$/.exec(release);
  if (match === null) {
    return undefined;
  }

  const [, major, minor, patch, pre, preNumber] = match;
  const version = `${major}.${minor}.${patch ?? '0'}`;
  return pre === undefined ? version : `${version}-${pre}.${preNumber}`;
}
