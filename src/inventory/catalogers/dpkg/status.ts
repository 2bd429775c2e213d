// Reads dpkg's database of installed packages: `/var/lib/dpkg/status` and the per-package
// stanza files distroless images keep in `/var/lib/dpkg/status.d/` (deb-control(5) format).
import type { Warning } from '../../model.js';
import { field, parseStanzas } from '../rfc822.js';

export interface DpkgEntry {
  name: string;
  version: string;
  architecture?: string;
  source: { name: string; version: string };
}

export interface DpkgParseResult {
  entries: DpkgEntry[];
  warnings: Warning[];
}

export const MAX_STANZAS = 100_000;

/**
 * Parses stanzas into installed packages. Stanzas without Package or Version are skipped with
 * a warning; `requireStatus` is false for status.d files, where distroless omits Status.
 */
export function parseDpkgStatus(text: string, path: string, requireStatus = true): DpkgParseResult {
  const parsed = parseStanzas(text, { maxStanzas: MAX_STANZAS });
  const warnings: Warning[] = parsed.problems.slice(0, 20).map((p) => ({
    code: 'DPKG_MALFORMED_LINE',
    message: `line ${p.line}: ${p.reason}; line skipped`,
    path,
  }));
  if (parsed.truncated) {
    warnings.push({
      code: 'DPKG_TOO_MANY_STANZAS',
      message: `more than ${MAX_STANZAS} stanzas; the rest were not read`,
      path,
    });
  }

  const entries: DpkgEntry[] = [];
  for (const stanza of parsed.stanzas) {
    const status = field(stanza, 'Status');
    if (status === undefined ? requireStatus : !isInstalled(status)) {
      continue;
    }

    const name = field(stanza, 'Package');
    const version = field(stanza, 'Version');
    if (name === undefined || version === undefined || !isValid(name, version)) {
      warnings.push({
        code: 'DPKG_MALFORMED_STANZA',
        message: `stanza ${name ?? '(no Package)'} lacks a valid Package or Version; skipped`,
        path,
      });
      continue;
    }

    entries.push({
      name,
      version,
      architecture: field(stanza, 'Architecture'),
      source: parseSource(field(stanza, 'Source'), name, version),
    });
  }

  return { entries, warnings };
}

// Debian Policy 5.6.1 and 5.6.12: names are lower-case alphanumerics and `+-.`; versions
// have no whitespace. Checked because names become paths (`/usr/share/doc/NAME/copyright`).
function isValid(name: string, version: string): boolean {
  return /^[a-z0-9][a-z0-9+.-]*$/.test(name) && /^[^\s/]+$/.test(version);
}

// deb-control(5): Status is "want flag status"; only a fully unpacked and configured package
// ("ok installed") is on disk as its version says.
function isInstalled(status: string): boolean {
  const words = status.split(/\s+/);
  return words[1] === 'ok' && words[2] === 'installed';
}

// deb-src-control(5): "Source: name" or "Source: name (version)" when the source version
// differs from the binary's; without a field the source is the package itself.
function parseSource(value: string | undefined, name: string, version: string) {
  if (value === undefined) {
    return { name, version };
  }

  const match = /^(\S+)(?:\s+\(([^)\s]+)\))?$/.exec(value);
  if (match?.[1] === undefined) {
    return { name, version };
  }

  return { name: match[1], version: match[2] ?? version };
}
