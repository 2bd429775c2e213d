// Reads Moat's own JSON document back into an Inventory, so a saved inventory can be matched
// or compared later without reading the image again. The document is untrusted: every field
// is checked for type and every failure names the JSON path.
import type {
  Inventory,
  LayerRef,
  Location,
  Package,
  PackageType,
  Warning,
} from '../inventory/model.js';
import { ReportError } from './errors.js';
import { MOAT_SCHEMA_VERSION } from './json.js';

const TYPES: ReadonlySet<string> = new Set(['deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven']);

type Json = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new ReportError('INVALID_DOCUMENT', `${path}: ${what}; is this a Moat JSON inventory?`);
}

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, 'expected an object');
  }

  return value as Json;
}

function array(value: unknown, path: string): unknown[] {
  return Array.isArray(value) ? value : fail(path, 'expected an array');
}

/** `{ key: value }`, or nothing when the value is absent: keeps optional fields optional. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function text(value: unknown, path: string): string {
  return typeof value === 'string' ? value : fail(path, 'expected a string');
}

function optionalText(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : text(value, path);
}

function layer(value: unknown, path: string): LayerRef | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }

  const o = object(value, path);
  const index = Number.isInteger(o.index) && (o.index as number) >= 0
    ? (o.index as number)
    : fail(`${path}.index`, 'expected a non-negative integer');
  const out: LayerRef = { index, digest: text(o.digest, `${path}.digest`) };
  const diffId = optionalText(o.diffId, `${path}.diffId`);
  const createdBy = o.createdBy === null
    ? undefined
    : optionalText(o.createdBy, `${path}.createdBy`);
  return { ...out, ...optional('diffId', diffId), ...optional('createdBy', createdBy) };
}

function location(value: unknown, path: string): Location {
  const o = object(value, path);
  const ref = layer(o.layer, `${path}.layer`);
  return { path: text(o.path, `${path}.path`), ...optional('layer', ref) };
}

function stringRecord(value: unknown, path: string): Record<string, string> {
  const o = object(value, path);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, text(v, `${path}.${k}`)]));
}

function pkg(value: unknown, path: string): Package {
  const o = object(value, path);
  const type = text(o.type, `${path}.type`);
  if (!TYPES.has(type)) {
    fail(`${path}.type`, `unknown package type ${JSON.stringify(type)}`);
  }

  const out: Package = {
    name: text(o.name, `${path}.name`),
    version: text(o.version, `${path}.version`),
    type: type as PackageType,
    ecosystem: text(o.ecosystem, `${path}.ecosystem`),
    purl: text(o.purl, `${path}.purl`),
    licenses: array(o.licenses, `${path}.licenses`)
      .map((l, i) => text(l, `${path}.licenses[${i}]`)),
    locations: array(o.locations, `${path}.locations`)
      .map((l, i) => location(l, `${path}.locations[${i}]`)),
  };
  if (o.source !== undefined) {
    const s = object(o.source, `${path}.source`);
    const version = optionalText(s.version, `${path}.source.version`);
    out.source = { name: text(s.name, `${path}.source.name`), ...optional('version', version) };
  }

  const ref = layer(o.layer, `${path}.layer`);
  if (ref !== undefined) {
    out.layer = ref;
  }

  if (o.metadata !== undefined) {
    out.metadata = stringRecord(o.metadata, `${path}.metadata`);
  }

  return out;
}

function imageLayer(value: unknown, i: number): LayerRef {
  return layer(value, `$.image.layers[${i}]`) ?? fail(`$.image.layers[${i}]`, 'expected a layer');
}

function warning(value: unknown, i: number): Warning {
  const path = `$.warnings[${i}]`;
  const o = object(value, path);
  return {
    code: text(o.code, `${path}.code`),
    message: text(o.message, `${path}.message`),
    ...optional('path', optionalText(o.path, `${path}.path`)),
  };
}

/**
 * Parses a Moat JSON inventory document.
 * @throws ReportError `INVALID_DOCUMENT` when the text is not JSON or a field has the wrong
 *   type; `UNSUPPORTED_SCHEMA` when `schemaVersion` is not one this Moat reads.
 */
export function parseMoatJson(source: string): Inventory {
  let doc: Json;
  try {
    doc = object(JSON.parse(source), '$');
  } catch (err) {
    if (err instanceof ReportError) {
      throw err;
    }

    throw new ReportError('INVALID_DOCUMENT', 'the inventory is not valid JSON', { cause: err });
  }

  if (doc.schemaVersion !== MOAT_SCHEMA_VERSION) {
    const message = `schemaVersion ${JSON.stringify(doc.schemaVersion)} is not supported; `
      + `this Moat reads version ${MOAT_SCHEMA_VERSION}: upgrade Moat or re-run the scan`;
    throw new ReportError('UNSUPPORTED_SCHEMA', message);
  }

  const image = object(doc.image, '$.image');
  const inventory: Inventory = {
    image: {
      reference: text(image.reference, '$.image.reference'),
      transport: text(image.transport, '$.image.transport'),
      layers: array(image.layers, '$.image.layers').map(imageLayer),
    },
    packages: array(doc.packages, '$.packages').map((p, i) => pkg(p, `$.packages[${i}]`)),
    warnings: array(doc.warnings, '$.warnings').map(warning),
  };
  for (const key of ['manifestDigest', 'configDigest', 'platform'] as const) {
    const value = optionalText(image[key], `$.image.${key}`);
    if (value !== undefined) {
      inventory.image[key] = value;
    }
  }

  if (doc.os !== null && doc.os !== undefined) {
    const os = object(doc.os, '$.os');
    inventory.os = {
      id: text(os.id, '$.os.id'),
      idLike: array(os.idLike, '$.os.idLike').map((v, i) => text(v, `$.os.idLike[${i}]`)),
    };
    for (const key of ['versionId', 'versionCodename', 'prettyName'] as const) {
      const value = optionalText(os[key], `$.os.${key}`);
      if (value !== undefined) {
        inventory.os[key] = value;
      }
    }

    if (typeof os.distroless === 'boolean') {
      inventory.os.distroless = os.distroless;
    }
  }

  return inventory;
}
