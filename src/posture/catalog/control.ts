// The controls catalog: what each check is, how bad a failure is, how to fix it, and which
// standards it serves. The catalog is data (data/controls/*.yaml); this module validates it.
import { parse } from 'yaml';
import { CatalogError } from '../errors.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const TARGETS = ['kubernetes', 'container', 'dockerfile'] as const;
/** What a control judges: a pod spec, a container (Compose or live), or a Dockerfile. */
export type Target = (typeof TARGETS)[number];

export type PssLevel = 'baseline' | 'restricted';

export interface ControlReferences {
  /** The Pod Security Standards control this one implements exactly, when there is one. */
  pss?: { level: PssLevel; control: string };
  cisKubernetes: string[];
  cisDocker: string[];
  nsaCisa: string[];
  pciDss: string[];
}

export interface Control {
  id: string;
  target: Target;
  title: string;
  severity: Severity;
  rationale: string;
  remediation: string;
  references: ControlReferences;
}

/** The Pod Security Standards version the `pss` references describe. */
export const PSS_VERSION = 'v1.34';

const ID = /^MOAT-[A-Z0-9]+-\d{3}$/;
const MAX_CATALOG_BYTES = 1024 * 1024;

/**
 * Parses one catalog file's text into controls.
 * @throws CatalogError when the text is not YAML or a control breaks the schema.
 */
export function parseCatalog(text: string, source: string): Control[] {
  if (text.length > MAX_CATALOG_BYTES) {
    throw new CatalogError('CATALOG_TOO_LARGE', `${source}: catalog is over 1 MiB`);
  }

  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 0 });
  } catch (cause) {
    throw new CatalogError('CATALOG_YAML', `${source}: not valid YAML: ${String(cause)}`, {
      cause,
    });
  }

  const root = asRecord(data, source);
  const target = root.target;
  if (!TARGETS.includes(target as Target)) {
    throw new CatalogError(
      'CATALOG_SCHEMA',
      `${source}: target must be one of ${TARGETS.join(', ')}`,
    );
  }

  if (!Array.isArray(root.controls)) {
    throw new CatalogError('CATALOG_SCHEMA', `${source}: controls must be a list`);
  }

  return root.controls.map((item, i) =>
    parseControl(item, target as Target, `${source}: controls[${i}]`),
  );
}

/**
 * Joins catalog files into one, keyed by id.
 * @throws CatalogError when two controls share an id.
 */
export function mergeCatalogs(parts: Control[][]): Map<string, Control> {
  const byId = new Map<string, Control>();
  for (const control of parts.flat()) {
    if (byId.has(control.id)) {
      throw new CatalogError('CATALOG_DUPLICATE_ID', `control id ${control.id} appears twice`);
    }

    byId.set(control.id, control);
  }

  return byId;
}

function parseControl(item: unknown, target: Target, where: string): Control {
  const raw = asRecord(item, where);
  const id = requireString(raw, 'id', where);
  if (!ID.test(id)) {
    throw new CatalogError('CATALOG_SCHEMA', `${where}: id ${id} must look like MOAT-K8S-001`);
  }

  const severity = requireString(raw, 'severity', where);
  if (!SEVERITIES.includes(severity as Severity)) {
    throw new CatalogError('CATALOG_SCHEMA', `${where} (${id}): unknown severity ${severity}`);
  }

  return {
    id,
    target,
    title: requireString(raw, 'title', where),
    severity: severity as Severity,
    rationale: requireString(raw, 'rationale', where),
    remediation: requireString(raw, 'remediation', where),
    references: parseReferences(raw.references, `${where} (${id}).references`),
  };
}

function parseReferences(value: unknown, where: string): ControlReferences {
  const raw = asRecord(value, where);
  const refs: ControlReferences = {
    cisKubernetes: stringList(raw.cisKubernetes, `${where}.cisKubernetes`),
    cisDocker: stringList(raw.cisDocker, `${where}.cisDocker`),
    nsaCisa: stringList(raw.nsaCisa, `${where}.nsaCisa`),
    pciDss: stringList(raw.pciDss, `${where}.pciDss`),
  };
  if (refs.pciDss.length === 0) {
    throw new CatalogError(
      'CATALOG_SCHEMA',
      `${where}: every control must name PCI DSS requirements`,
    );
  }

  if (raw.pss !== undefined) {
    const pss = asRecord(raw.pss, `${where}.pss`);
    const level = pss.level;
    if (level !== 'baseline' && level !== 'restricted') {
      throw new CatalogError('CATALOG_SCHEMA', `${where}.pss.level must be baseline or restricted`);
    }

    refs.pss = { level, control: requireString(pss, 'control', `${where}.pss`) };
  }

  return refs;
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CatalogError('CATALOG_SCHEMA', `${where}: expected a mapping`);
  }

  return value as Record<string, unknown>;
}

function requireString(raw: Record<string, unknown>, key: string, where: string): string {
  const value = raw[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CatalogError('CATALOG_SCHEMA', `${where}: ${key} must be a non-empty string`);
  }

  return value.trim();
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined) {
    return [];
  }

  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new CatalogError('CATALOG_SCHEMA', `${where}: expected a list of strings`);
  }

  return value as string[];
}
