// Sorts declared license strings into valid SPDX expressions and free text, so SBOM writers
// can put each where its format wants it. The SPDX license list comes from spdx-license-ids
// and the expression grammar (SPDX 2.3 Annex D) from spdx-expression-parse.
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

function parses(expression: string): boolean {
  try {
    parseExpression(expression);
    return true;
  } catch {
    return false;
  }
}

// Rewrites `mit or apache-2.0` as `MIT OR Apache-2.0`; exceptions are left to the parser.
function canonicalCase(text: string): string {
  return text.replace(/[A-Za-z0-9.+-]+/g, (token) => {
    const lower = token.toLowerCase();
    if (OPERATORS.has(lower)) {
      return lower.toUpperCase();
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

  for (const candidate of [text, canonicalCase(text)]) {
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
