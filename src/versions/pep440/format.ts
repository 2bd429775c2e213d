// Prints a parsed PEP 440 version in its normal form (packaging's `str(Version(v))`).
import type { Pep440Version } from '@renovatebot/pep440';
import { stringify } from '@renovatebot/pep440/lib/version.js';

/** The fields `parse()` of @renovatebot/pep440 returns (its typings describe `explain()`). */
export interface ParsedPep440 {
  epoch: number;
  release: number[];
  pre: [string, number] | null;
  post: [string, number] | null;
  dev: [string, number] | null;
  local: (string | number)[] | null;
}

/** The version without its local label, e.g. `1.0.post1` for `1.0-1+ubuntu`. */
export function formatPublic(p: ParsedPep440): string {
  return stringify({ ...p, local: null } as unknown as Pep440Version) ?? '';
}

// The library's stringify joins a parsed local label with commas, so the label is added here.
export function formatPep440(p: ParsedPep440): string {
  return p.local === null ? formatPublic(p) : `${formatPublic(p)}+${p.local.join('.')}`;
}
