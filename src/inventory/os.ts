// Detects the image's operating system before the package catalogers run: os-release first
// (`/etc/os-release`, whose usual symlink the view resolves, then `/usr/lib/os-release`), then
// the older per-distribution release files.
import type { FileMeta, FileView, Want } from '../image/types.js';
import { hasContent } from './files.js';
import type { OsRelease } from './model.js';
import {
  parseAlpineRelease,
  parseDebianVersion,
  parseOsRelease,
  parseRedhatRelease,
} from './os-release.js';

export interface OsDetector {
  select(meta: FileMeta): Want | undefined;
  detect(view: FileView): Promise<OsRelease | undefined>;
}

const MAX_RELEASE_BYTES = 64 * 1024;

const SOURCES: Array<[string, (text: string) => OsRelease | undefined]> = [
  ['/etc/os-release', parseOsRelease],
  ['/usr/lib/os-release', parseOsRelease],
  ['/etc/alpine-release', parseAlpineRelease],
  ['/etc/redhat-release', parseRedhatRelease],
  ['/etc/centos-release', parseRedhatRelease],
  ['/etc/rocky-release', parseRedhatRelease],
  ['/etc/almalinux-release', parseRedhatRelease],
  ['/etc/system-release', parseRedhatRelease],
  ['/etc/debian_version', parseDebianVersion],
];

const WANTED = new Set(SOURCES.map(([path]) => path));

/** Selects the release files (and regular files that os-release symlinks may lead to). */
export function selectOsFiles(meta: FileMeta): Want | undefined {
  if (!hasContent(meta) || !WANTED.has(meta.path)) {
    return undefined;
  }

  return { kind: 'content', maxBytes: MAX_RELEASE_BYTES };
}

/** Returns the image's OS, or undefined when no release file names one. Never throws. */
export async function detectOs(view: FileView): Promise<OsRelease | undefined> {
  let os: OsRelease | undefined;
  for (const [path, parse] of SOURCES) {
    const content = await view.readFile(path);
    os = content === undefined ? undefined : parse(content.toString('utf8'));
    if (os !== undefined) {
      break;
    }
  }

  if (!isDistroless(view)) {
    return os;
  }

  return { ...(os ?? { id: 'debian', idLike: [] }), distroless: true };
}

// Distroless images keep one dpkg stanza file per package in status.d/ and no status file.
function isDistroless(view: FileView): boolean {
  if (view.stat('/var/lib/dpkg/status') !== undefined) {
    return false;
  }

  if (view.stat('/var/lib/dpkg/status.d')?.type === 'dir') {
    return true;
  }

  for (const meta of view.entries()) {
    if (meta.path.startsWith('/var/lib/dpkg/status.d/')) {
      return true;
    }
  }

  return false;
}

export const osDetector: OsDetector = { select: selectOsFiles, detect: detectOs };
