// The `--ignore-file` format: YAML entries that accept a finding for a while, with a reason.
//   ignore:
//     - id: CVE-2023-4911          # any id or alias of the vulnerability
//       package: libc6             # optional: package name or purl
//       expires: 2026-12-31        # optional: stops applying after this day (UTC)
//       reason: not reachable; mitigated by seccomp profile
import { parse } from 'yaml';
import { PolicyInputError } from './errors.js';

export interface IgnoreRule {
  id: string;
  package?: string;
  /** Last day the rule applies, `YYYY-MM-DD`, inclusive. */
  expires?: string;
  reason: string;
}

const maxRules = 10_000;

/**
 * Parses an ignore file's text.
 * @throws PolicyInputError `BAD_IGNORE_FILE` naming the first bad entry.
 */
export function parseIgnoreFile(text: string, file: string): IgnoreRule[] {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (cause) {
    throw bad(file, 'it is not valid YAML', cause);
  }

  const list = Array.isArray(doc) ? doc : (doc as { ignore?: unknown } | null)?.ignore ?? [];
  if (!Array.isArray(list) || list.length > maxRules) {
    throw bad(file, `expected an \`ignore:\` list of at most ${maxRules} entries`);
  }

  return list.map((entry: unknown, index) => toRule(entry, `${file} entry ${index + 1}`));
}

function toRule(entry: unknown, where: string): IgnoreRule {
  if (typeof entry !== 'object' || entry === null) {
    throw bad(where, 'an entry must be a mapping with id and reason');
  }

  const { id, package: pkg, expires, reason } = entry as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') {
    throw bad(where, '`id` is required');
  }

  if (typeof reason !== 'string' || reason.trim() === '') {
    throw bad(where, '`reason` is required: say why the finding is accepted');
  }

  const day = expires instanceof Date ? expires.toISOString().slice(0, 10) : expires;
  if (day !== undefined && (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day))) {
    throw bad(where, '`expires` must be a date like 2026-12-31');
  }

  return {
    id, reason,
    ...(typeof pkg === 'string' ? { package: pkg } : {}),
    ...(day === undefined ? {} : { expires: day }),
  };
}

function bad(where: string, reason: string, cause?: unknown): PolicyInputError {
  return new PolicyInputError('BAD_IGNORE_FILE', `${where}: ${reason}`, { cause });
}

/** True when the rule has expired by `now` (it applies through its whole `expires` day). */
export function isExpired(rule: IgnoreRule, now: Date): boolean {
  return rule.expires !== undefined && now.toISOString().slice(0, 10) > rule.expires;
}
