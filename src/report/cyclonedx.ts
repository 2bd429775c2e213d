// CycloneDX 1.6 JSON through @cyclonedx/cyclonedx-library: its models and spec-1.6 normalizer
// give the document its shape and key order. The library has no model for
// `evidence.occurrences` (CycloneDX 1.6 §evidence), so locations are added to the normalized
// components afterwards, keyed by bom-ref.
import { createHash } from 'node:crypto';
import { Enums, Models, Serialize, Spec, SPDX } from '@cyclonedx/cyclonedx-library';
import type { Inventory, LayerRef, OsRelease, Package } from '../inventory/model.js';
import { imagePurl } from './image-purl.js';
import { assignIds } from './ids.js';
import { classifyLicenses, conjoin } from './licenses.js';
import { isGoMainModule, sortPackages } from './packages.js';
import { uuidV5 } from './uuid.js';

export interface CycloneDxOptions {
  now: Date;
  toolVersion: string;
  /** Serial number UUID; derived from the document's content when absent. */
  uuid?: string;
}

interface Occurrence {
  location: string;
  additionalContext?: string;
}

const IMAGE_REF = 'image';
const PLACEHOLDER_UUID = '00000000-0000-0000-0000-000000000000';

// All-SPDX declarations become one expression; otherwise each license is listed on its own,
// because the library's normalizer keeps only the expression when both kinds are present.
function licensesOf(pkg: Package): Models.LicenseRepository {
  const declared = classifyLicenses(pkg.licenses);
  const repository = new Models.LicenseRepository();
  const allSpdx = declared.every((l) => l.kind === 'spdx');
  const compound = declared.length > 1 || declared.some((l) => l.kind === 'spdx' && !l.simple);
  if (declared.length > 0 && allSpdx && compound) {
    repository.add(new Models.LicenseExpression(conjoin(declared.map((l) => l.expression))));
    return repository;
  }

  for (const license of declared) {
    const id = license.kind === 'spdx' && license.simple ? license.expression : undefined;
    if (id !== undefined && SPDX.isSupportedSpdxId(id)) {
      repository.add(new Models.SpdxLicense(id));
    } else {
      const name = license.kind === 'spdx' ? license.expression : license.text;
      repository.add(new Models.NamedLicense(name));
    }
  }

  return repository;
}

function layerProperties(layer: LayerRef | undefined): Models.Property[] {
  if (layer === undefined) {
    return [];
  }

  const properties = [
    new Models.Property('moat:layer:index', String(layer.index)),
    new Models.Property('moat:layer:digest', layer.digest),
  ];
  if (layer.diffId !== undefined) {
    properties.push(new Models.Property('moat:layer:diffId', layer.diffId));
  }

  if (layer.createdBy !== undefined) {
    properties.push(new Models.Property('moat:layer:createdBy', layer.createdBy));
  }

  return properties;
}

function packageProperties(pkg: Package): Models.PropertyRepository {
  const properties = [
    new Models.Property('moat:ecosystem', pkg.ecosystem),
    ...layerProperties(pkg.layer),
  ];
  if (pkg.source !== undefined) {
    properties.push(new Models.Property('moat:source:name', pkg.source.name));
    if (pkg.source.version !== undefined) {
      properties.push(new Models.Property('moat:source:version', pkg.source.version));
    }
  }

  for (const [key, value] of Object.entries(pkg.metadata ?? {})) {
    properties.push(new Models.Property(`moat:metadata:${key}`, value));
  }

  return new Models.PropertyRepository(properties);
}

function componentType(pkg: Package): Enums.ComponentType {
  return isGoMainModule(pkg) ? Enums.ComponentType.Application : Enums.ComponentType.Library;
}

// CycloneDX names a Maven artifact by `group` and `name`; Moat's name is `group:artifact`.
function mavenParts(pkg: Package): { group?: string; name: string } {
  const group = pkg.metadata?.groupId;
  if (pkg.type !== 'maven' || group === undefined || !pkg.name.startsWith(`${group}:`)) {
    return { name: pkg.name };
  }

  return { group, name: pkg.name.slice(group.length + 1) };
}

function packageComponent(pkg: Package, bomRef: string): Models.Component {
  const { group, name } = mavenParts(pkg);
  return new Models.Component(componentType(pkg), name, {
    bomRef,
    version: pkg.version,
    purl: pkg.purl,
    licenses: licensesOf(pkg),
    properties: packageProperties(pkg),
    ...(group === undefined ? {} : { group }),
  });
}

function osComponent(os: OsRelease): Models.Component {
  return new Models.Component(Enums.ComponentType.OperatingSystem, os.id, {
    bomRef: `os:${os.id}${os.versionId === undefined ? '' : `@${os.versionId}`}`,
    ...(os.versionId === undefined ? {} : { version: os.versionId }),
    ...(os.prettyName === undefined ? {} : { description: os.prettyName }),
  });
}

function imageComponent(inventory: Inventory): Models.Component {
  const { image } = inventory;
  const properties = [new Models.Property('moat:image:transport', image.transport)];
  if (image.configDigest !== undefined) {
    properties.push(new Models.Property('moat:image:configDigest', image.configDigest));
  }

  if (image.platform !== undefined) {
    properties.push(new Models.Property('moat:image:platform', image.platform));
  }

  properties.push(new Models.Property('moat:warnings', String(inventory.warnings.length)));
  const purl = imagePurl(image);
  return new Models.Component(Enums.ComponentType.Container, image.reference, {
    bomRef: IMAGE_REF,
    properties: new Models.PropertyRepository(properties),
    ...(image.manifestDigest === undefined ? {} : { version: image.manifestDigest }),
    ...(purl === undefined ? {} : { purl }),
  });
}

function occurrencesOf(pkg: Package): Occurrence[] {
  return pkg.locations.map((location) => {
    const layer = location.layer;
    return layer === undefined
      ? { location: location.path }
      : { location: location.path, additionalContext: `layer ${layer.index} ${layer.digest}` };
  });
}

function buildBom(
  inventory: Inventory,
  packages: Package[],
  refs: string[],
  options: CycloneDxOptions,
): Models.Bom {
  const image = imageComponent(inventory);
  const tool = new Models.Component(Enums.ComponentType.Application, 'moat', {
    version: options.toolVersion,
  });
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${options.uuid ?? PLACEHOLDER_UUID}` });
  bom.metadata = new Models.Metadata({
    timestamp: options.now,
    tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }),
    component: image,
  });
  if (inventory.os !== undefined) {
    const os = osComponent(inventory.os);
    bom.components.add(os);
    image.dependencies.add(os.bomRef);
  }

  packages.forEach((pkg, i) => {
    const component = packageComponent(pkg, refs[i] as string);
    bom.components.add(component);
    image.dependencies.add(component.bomRef);
  });

  return bom;
}

/** The inventory as a CycloneDX 1.6 JSON document; ends with a newline. */
export function formatCycloneDx(inventory: Inventory, options: CycloneDxOptions): string {
  const packages = sortPackages(inventory.packages);
  const refs = assignIds(packages, (p) => p.purl, (id, tag) => `${id}#${tag}`);
  const bom = buildBom(inventory, packages, refs, options);
  const normalized = new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6)
    .makeForBom()
    .normalize(bom, { sortLists: true });

  const occurrences = new Map(packages.map((pkg, i) => [refs[i] as string, occurrencesOf(pkg)]));
  for (const component of normalized.components ?? []) {
    const ref = component['bom-ref'];
    const found = ref === undefined ? undefined : occurrences.get(ref);
    if (found !== undefined && found.length > 0) {
      Object.assign(component, { evidence: { occurrences: found } });
    }
  }

  if (options.uuid === undefined) {
    const digest = createHash('sha256').update(JSON.stringify(normalized)).digest('hex');
    normalized.serialNumber = `urn:uuid:${uuidV5(`moat:cyclonedx:${digest}`)}`;
  }

  return `${JSON.stringify(normalized, null, 2)}\n`;
}
