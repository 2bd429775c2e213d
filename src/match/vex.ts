// VEX documents that say a product is not affected: OpenVEX (https://openvex.dev, v0.2.0 and
// the earlier string form) and CycloneDX VEX (`vulnerabilities[].analysis`, CycloneDX 1.4+).
import { PackageURL } from 'packageurl-js';
import { PolicyInputError } from './errors.js';

export interface VexStatement {
  /** The vulnerability id the statement names (matched against all ids of a finding). */
  vulnerability: string;
  /** purls of the products or components; an image purl (`pkg:oci/…`) covers every package. */
  products: string[];
  status: 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
  justification?: string;
}

const maxStatements = 100_000;

/**
 * Reads the statements of an OpenVEX or CycloneDX VEX document.
 * @throws PolicyInputError `BAD_VEX` for anything else.
 */
export function parseVex(text: string, file: string): VexStatement[] {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new PolicyInputError('BAD_VEX', `${file} is not JSON: give an OpenVEX or CycloneDX `
      + 'VEX document', { cause });
  }

  const statements = Array.isArray(doc.statements) ? fromOpenVex(doc.statements)
    : doc.bomFormat === 'CycloneDX' ? fromCycloneDx(doc) : undefined;
  if (statements === undefined || statements.length > maxStatements) {
    throw new PolicyInputError('BAD_VEX', `${file} is neither an OpenVEX document (statements) `
      + 'nor CycloneDX with vulnerabilities');
  }

  return statements;
}

type Json = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function fromOpenVex(statements: unknown[]): VexStatement[] {
  return statements.flatMap((raw) => {
    const s = (raw ?? {}) as Json;
    const vuln = typeof s.vulnerability === 'string'
      ? s.vulnerability
      : str((s.vulnerability as Json)?.name);
    const status = str(s.status) as VexStatement['status'] | undefined;
    if (vuln === undefined || status === undefined) {
      return [];
    }

    const products = (Array.isArray(s.products) ? s.products : []).flatMap((p: unknown) => {
      const product = typeof p === 'string' ? { '@id': p } : (p ?? {}) as Json;
      const subs = Array.isArray(product.subcomponents) ? product.subcomponents : [];
      const subIds = subs.map((c: unknown) =>
        (typeof c === 'string' ? c : str((c as Json)?.['@id'])));
      const ids = subIds.length > 0 ? subIds : [str(product['@id'])];
      return ids.filter((id): id is string => id !== undefined);
    });
    const justification = str(s.justification) ?? str(s.impact_statement);
    return [{ vulnerability: vuln, products, status,
      ...(justification === undefined ? {} : { justification }) }];
  });
}

const cdxStates: Record<string, VexStatement['status']> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};

function fromCycloneDx(doc: Json): VexStatement[] | undefined {
  if (!Array.isArray(doc.vulnerabilities)) {
    return undefined;
  }

  const purlByRef = new Map<string, string>();
  for (const c of Array.isArray(doc.components) ? doc.components as Json[] : []) {
    if (typeof c['bom-ref'] === 'string' && typeof c.purl === 'string') {
      purlByRef.set(c['bom-ref'], c.purl);
    }
  }

  return (doc.vulnerabilities as Json[]).flatMap((v) => {
    const analysis = (v.analysis ?? {}) as Json;
    const status = cdxStates[str(analysis.state) ?? ''];
    const id = str(v.id);
    if (status === undefined || id === undefined) {
      return [];
    }

    const refs = (Array.isArray(v.affects) ? v.affects as Json[] : []).map((a) => str(a.ref));
    const products = refs.filter((r): r is string => r !== undefined)
      .map((r) => purlByRef.get(r) ?? r);
    const justification = [str(analysis.justification), str(analysis.detail)]
      .filter((x) => x !== undefined).join(': ');
    return [{ vulnerability: id, products, status,
      ...(justification === '' ? {} : { justification }) }];
  });
}

/** True when a statement's product purl names this package (qualifiers ignored). */
export function productCovers(product: string, packagePurl: string): boolean {
  const a = tryParse(product);
  if (a === undefined) {
    return product === packagePurl;
  }

  // Limitation: an image purl is not compared with the scanned image's digest; a VEX file is
  // trusted to be about the image it is passed with.
  if (a.type === 'oci' || a.type === 'docker') {
    return true;
  }

  const b = tryParse(packagePurl);
  return b !== undefined && a.type === b.type && a.namespace === b.namespace && a.name === b.name
    && (a.version === undefined || a.version === null || a.version === b.version);
}

function tryParse(purl: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
}
