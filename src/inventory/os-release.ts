// Parsers for the files that name an image's operating system. os-release follows
// freedesktop's os-release(5): KEY=value lines, values optionally quoted with shell escapes.
import type { OsRelease } from './model.js';

/** Parses os-release text; undefined when it has no `ID`. */
export function parseOsRelease(text: string): OsRelease | undefined {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/).slice(0, 1000)) {
    const line = raw.trim();
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      values.set(match[1], unquote(match[2]));
    }
  }

  const id = values.get('ID')?.toLowerCase();
  if (id === undefined || id === '') {
    return undefined;
  }

  return {
    id,
    versionId: values.get('VERSION_ID') || undefined,
    versionCodename: values.get('VERSION_CODENAME') || undefined,
    prettyName: values.get('PRETTY_NAME') || undefined,
    idLike: (values.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter((s) => s !== ''),
  };
}

// os-release(5): values may be enclosed in single or double quotes; backslash escapes apply.
function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }

  return value;
}

/** `/etc/alpine-release` holds just the version (`3.19.1`). */
export function parseAlpineRelease(text: string): OsRelease | undefined {
  const version = text.trim().split(/\s+/)[0];
  if (version === undefined || !/^\d+(\.\d+)*/.test(version)) {
    return undefined;
  }

  return { id: 'alpine', versionId: version, idLike: [] };
}

/** `/etc/debian_version` holds `12.5` on releases and `bookworm/sid` on testing. */
export function parseDebianVersion(text: string): OsRelease | undefined {
  const value = text.trim();
  const major = /^(\d+)(\.\d+)?$/.exec(value)?.[1];
  if (major !== undefined) {
    return { id: 'debian', versionId: major, idLike: [] };
  }

  const codename = /^([a-z]+)\/sid$/.exec(value)?.[1];
  if (codename !== undefined) {
    return { id: 'debian', versionCodename: codename, idLike: [] };
  }

  return undefined;
}

const RELEASE_NAMES: Array<[RegExp, string, string[]]> = [
  [/^Red Hat Enterprise Linux/i, 'rhel', ['fedora']],
  [/^CentOS Stream/i, 'centos', ['rhel', 'fedora']],
  [/^CentOS/i, 'centos', ['rhel', 'fedora']],
  [/^Rocky Linux/i, 'rocky', ['rhel', 'centos', 'fedora']],
  [/^AlmaLinux/i, 'almalinux', ['rhel', 'centos', 'fedora']],
  [/^Oracle Linux/i, 'ol', ['fedora']],
  [/^Fedora/i, 'fedora', []],
  [/^Amazon Linux/i, 'amzn', ['centos', 'rhel', 'fedora']],
];

/** `/etc/redhat-release` and friends: `Rocky Linux release 9.3 (Blue Onyx)`. */
export function parseRedhatRelease(text: string): OsRelease | undefined {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  const known = RELEASE_NAMES.find(([pattern]) => pattern.test(line));
  const version = /release\s+(\d+(?:\.\d+)*)/i.exec(line)?.[1];
  if (known === undefined) {
    return undefined;
  }

  return { id: known[1], versionId: version, prettyName: line, idLike: known[2] };
}
