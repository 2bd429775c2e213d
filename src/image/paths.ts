// Path rules for files inside an image: every path is absolute and normalised, and no path
// ever leaves the image root (POSIX path resolution, with `/..` staying at `/` as in chroot).

/** Splits a path into its non-empty components, dropping `.`. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

// `/a/b` with no empty, `.` or `..` component: already normal, the common case.
const NORMAL_PATH = /^(?:\/(?!\.\.?(?:\/|$))[^/]+)+$/;

/**
 * Normalises a path read from an image to `/a/b`, resolving `..` lexically and clamping at
 * the root. Returns undefined for the root itself.
 */
export function normaliseImagePath(path: string): string | undefined {
  if (NORMAL_PATH.test(path)) {
    return path;
  }

  const stack: string[] = [];
  for (const part of splitPath(path)) {
    if (part === '..') {
      stack.pop();
    } else {
      stack.push(part);
    }
  }

  return stack.length === 0 ? undefined : `/${stack.join('/')}`;
}

/** The parent directory of a normalised path (`/` for top-level entries). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** The symlink target of `link` as an absolute path, resolved lexically from its directory. */
export function absoluteLinkTarget(link: string, target: string): string {
  const joined = target.startsWith('/') ? target : `${parentPath(link)}/${target}`;
  return normaliseImagePath(joined) ?? '/';
}

/** Linux's limit on symlinks followed in one lookup (MAXSYMLINKS). */
export const MAX_SYMLINK_HOPS = 40;

/**
 * Resolves `path` inside the image, following symlinks in every component (and in the last
 * one when `followLast`) but never above the root. Returns undefined on a loop.
 * `lookupLink` returns a symlink's target, or undefined when the path is not a symlink.
 */
export function resolveImagePath(
  path: string,
  followLast: boolean,
  lookupLink: (path: string) => string | undefined,
): string | undefined {
  const pending = splitPath(path).reverse();
  const stack: string[] = [];
  let hops = 0;

  while (pending.length > 0) {
    const part = pending.pop() as string;
    if (part === '..') {
      stack.pop();
      continue;
    }

    const candidate = `/${[...stack, part].join('/')}`;
    const target = pending.length > 0 || followLast ? lookupLink(candidate) : undefined;
    if (target === undefined) {
      stack.push(part);
      continue;
    }

    hops += 1;
    if (hops > MAX_SYMLINK_HOPS) {
      return undefined;
    }

    if (target.startsWith('/')) {
      stack.length = 0;
    }

    pending.push(...splitPath(target).reverse());
  }

  return `/${stack.join('/')}`;
}
