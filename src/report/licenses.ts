// Sorts declared license strings into valid SPDX expressions and free text, so SBOM writers
// can put each where its format wants it. The SPDX license list comes from spdx-license-ids
// and the expression grammar (SPDX 2.3 Annex D) from spdx-expression-parse. Debian's
// copyright-format short names that name an SPDX license exactly (`GPL-2+`, `Expat`) are
// rewritten to it; anything else that does not parse is kept as text.
import { createHash } from 'node:crypto';
import parseExpression from 'spdx-expression-parse';
import licenseIds from 'spdx-license-ids/index.json' with { type: 'json' };
import deprecatedIds from 'spdx-license-ids/deprecated.json' with { type: 'json' };

export type DeclaredLicense =
  /** A valid SPDX expression; `simple` when it is a single license id without operators. */
  | { kind: 'spdx'; expression: string; simple: boolean }
  /** Text that is not an SPDX expression, kept as written. */
  | { kind: 'text'; text: string };

// Annex D: license ids match case-insensitively; operators are written in upper case.
const canonicalIds = new Map<string, string>(
  [...deprecatedIds, ...licenseIds].map((id) => [id.toLowerCase(), id]),
);
const OPERATORS = new Set(['and', 'or', 'with']);
// copyright-format 1.0, "License short name": the names that differ from SPDX ids.
const DEP5_ALIASES: Record<string, string> = {
  expat: 'MIT',
  'apache-2': 'Apache-2.0',
  'artistic-2': 'Artistic-2.0',
  'boost-1.0': 'BSL-1.0',
  'mpl-1.1': 'MPL-1.1',
  'mpl-2': 'MPL-2.0',
  'psf-2': 'PSF-2.0',
};
// DEP-5 `GPL-2` is version 2 only and `GPL-2+` version 2 or later; likewise for the family.
const GNU_FAMILY = /^(a?gpl|lgpl|gfdl)-(\d)(?:\.(\d))?(\+)?$/;

function dep5Id(lower: string): string | undefined {
  const alias = DEP5_ALIASES[lower];
  if (alias !== undefined) {
    return alias;
  }

  const gnu = GNU_FAMILY.exec(lower);
  if (gnu === null) {
    return undefined;
  }

  const [, family, major, minor, plus] = gnu;
  const id = `${family}-${major}.${minor ?? '0'}-${plus === undefined ? 'only' : 'or-later'}`;
  return canonicalIds.get(id);
}

function parses(expression: string): boolean {
  try {
    parseExpression(expression);
    return true;
  } catch {
    return false;
  }
}

// Rewrites `mit or GPL-2+` as `MIT OR GPL-2.0-or-later`; exceptions are left to the parser.
function canonicalForm(text: string): string {
  return text.replace(/[A-Za-z0-9.+-]+/g, (token) => {
    const lower = token.toLowerCase();
    if (OPERATORS.has(lower)) {
      return lower.toUpperCase();
    }

    const dep5 = dep5Id(lower);
    if (dep5 !== undefined) {
      return dep5;
    }

    const plus = lower.endsWith('+') ? '+' : '';
    const id = canonicalIds.get(plus === '' ? lower : lower.slice(0, -1));
    return id === undefined ? token : `${id}${plus}`;
  });
}

/** Classifies one declared license string; never throws. */
export function classifyLicense(raw: string): DeclaredLicense | undefined {
  const text = raw.trim();
  if (text === '') {
    return undefined;
  }

  for (const candidate of [text, canonicalForm(text)]) {
    if (parses(candidate)) {
      return { kind: 'spdx', expression: candidate, simple: !/[\s()]/.test(candidate) };
    }
  }

  return { kind: 'text', text };
}

/** Classifies every declared license, dropping empty ones and exact duplicates. */
export function classifyLicenses(raws: readonly string[]): DeclaredLicense[] {
  const seen = new Set<string>();
  const out: DeclaredLicense[] = [];
  for (const raw of raws) {
    const license = classifyLicense(raw);
    if (license === undefined) {
      continue;
    }

    const key = license.kind === 'spdx' ? license.expression : license.text;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(license);
    }
  }

  return out;
}

/**
 * A `LicenseRef-` id for free license text: readable, limited to the characters SPDX allows
 * (`[A-Za-z0-9.-]`), and made unique by a hash of the whole text.
 */
export function licenseRefFor(text: string): string {
  const readable = text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return readable === '' ? `LicenseRef-${hash}` : `LicenseRef-${readable}-${hash}`;
}

/** Joins expressions with AND, bracketing compound ones so precedence is kept. */
export function conjoin(expressions: readonly string[]): string {
  if (expressions.length === 1) {
    return expressions[0] as string;
  }

  return expressions.map((e) => (/\s/.test(e) ? `(${e})` : e)).join(' AND ');
}
