// Moat's own inventory document (docs/sbom-json.md, schemas/moat-sbom-v1.schema.json). Every
// object is built key by key so the key order is part of the format, and packages are sorted,
// so the same inventory always gives the same bytes.
import type {
  ImageSummary,
  Inventory,
  LayerRef,
  Location,
  OsRelease,
  Package,
  Warning,
} from '../inventory/model.js';
import { sortPackages } from './packages.js';

export const MOAT_SCHEMA_VERSION = '1';

export interface MoatLayerJson {
  index: number;
  digest: string;
  diffId?: string;
  createdBy: string | null;
}

export interface MoatPackageJson {
  name: string;
  version: string;
  ecosystem: string;
  type: Package['type'];
  purl: string;
  source?: { name: string; version?: string };
  licenses: string[];
  locations: Array<{ path: string; layer: MoatLayerJson | null }>;
  layer: MoatLayerJson | null;
  metadata?: Record<string, string>;
}

export interface MoatInventoryJson {
  schemaVersion: string;
  image: {
    reference: string;
    transport: string;
    manifestDigest?: string;
    configDigest?: string;
    platform?: string;
    layers: MoatLayerJson[];
  };
  os: {
    id: string;
    versionId?: string;
    versionCodename?: string;
    prettyName?: string;
    idLike: string[];
    distroless?: boolean;
  } | null;
  packages: MoatPackageJson[];
  warnings: Array<{ code: string; message: string; path?: string }>;
}

/** Copies the optional fields that are present, in the order given. */
function withOptional<T extends object>(base: T, pairs: Array<[string, unknown]>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of pairs) {
    if (value !== undefined) {
      out[key] = value;
    }
  }

  return out as T;
}

function layerJson(layer: LayerRef | undefined): MoatLayerJson | null {
  if (layer === undefined) {
    return null;
  }

  const base = withOptional({ index: layer.index, digest: layer.digest }, [
    ['diffId', layer.diffId],
  ]);
  return { ...base, createdBy: layer.createdBy ?? null };
}

function locationJson(location: Location): MoatPackageJson['locations'][number] {
  return { path: location.path, layer: layerJson(location.layer) };
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  const keys = Object.keys(record).sort();
  return Object.fromEntries(keys.map((key) => [key, record[key] as string]));
}

function packageJson(pkg: Package): MoatPackageJson {
  const head = { name: pkg.name, version: pkg.version, ecosystem: pkg.ecosystem, type: pkg.type };
  const source = pkg.source === undefined
    ? undefined
    : withOptional({ name: pkg.source.name }, [['version', pkg.source.version]]);
  const body = withOptional({ ...head, purl: pkg.purl }, [['source', source]]);
  const tail = {
    licenses: [...pkg.licenses],
    locations: pkg.locations.map(locationJson),
    layer: layerJson(pkg.layer),
  };
  const metadata = pkg.metadata === undefined || Object.keys(pkg.metadata).length === 0
    ? undefined
    : sortedRecord(pkg.metadata);
  return withOptional({ ...body, ...tail }, [['metadata', metadata]]);
}

function imageJson(image: ImageSummary): MoatInventoryJson['image'] {
  const base = withOptional({ reference: image.reference, transport: image.transport }, [
    ['manifestDigest', image.manifestDigest],
    ['configDigest', image.configDigest],
    ['platform', image.platform],
  ]);
  return { ...base, layers: image.layers.map((layer) => layerJson(layer) as MoatLayerJson) };
}

function osJson(os: OsRelease | undefined): MoatInventoryJson['os'] {
  if (os === undefined) {
    return null;
  }

  const base = withOptional({ id: os.id }, [
    ['versionId', os.versionId],
    ['versionCodename', os.versionCodename],
    ['prettyName', os.prettyName],
  ]);
  return withOptional({ ...base, idLike: [...os.idLike] }, [['distroless', os.distroless]]);
}

function warningJson(warning: Warning): MoatInventoryJson['warnings'][number] {
  return withOptional({ code: warning.code, message: warning.message }, [['path', warning.path]]);
}

/** The inventory as Moat's JSON document object. */
export function toMoatJson(inventory: Inventory): MoatInventoryJson {
  return {
    schemaVersion: MOAT_SCHEMA_VERSION,
    image: imageJson(inventory.image),
    os: osJson(inventory.os),
    packages: sortPackages(inventory.packages).map(packageJson),
    warnings: inventory.warnings.map(warningJson),
  };
}

/** The inventory as Moat's JSON document: two-space indented, newline-terminated. */
export function formatJson(inventory: Inventory): string {
  return `${JSON.stringify(toMoatJson(inventory), null, 2)}\n`;
}
