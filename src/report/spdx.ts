// SPDX 2.3 JSON, written by hand: no maintained npm library writes SPDX 2.3 JSON documents
// (the SPDX tools are Java and Python). Validated in tests against the official 2.3 schema.
// The image is the described package; it CONTAINS the OS and every package.
import { createHash } from 'node:crypto';
import type { Inventory } from '../inventory/model.js';
import { assignIds } from './ids.js';
import { sortPackages } from './packages.js';
import type { ExtractedLicense, SpdxPackage } from './spdx-packages.js';
import {
  ExtractedLicenses,
  imageElement,
  osElement,
  packageElement,
  spdxIdPart,
} from './spdx-packages.js';
import { uuidV5 } from './uuid.js';

export interface SpdxOptions {
  now: Date;
  toolVersion: string;
  /** UUID that makes `documentNamespace` unique; derived from the content when absent. */
  uuid?: string;
}

interface Relationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'CONTAINS';
  relatedSpdxElement: string;
}

interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  comment?: string;
  documentDescribes: string[];
  packages: SpdxPackage[];
  hasExtractedLicensingInfos?: ExtractedLicense[];
  relationships: Relationship[];
}

const DOCUMENT_ID = 'SPDXRef-DOCUMENT';
const IMAGE_ID = 'SPDXRef-Image';
const OS_ID = 'SPDXRef-OperatingSystem';
// Documents Moat writes live under SPDX's suggested prefix for documents without a home page.
const NAMESPACE_PREFIX = 'https://spdx.org/spdxdocs/moat';

/** `2026-12-03T10:00:00Z`: clause 6.9 wants UTC to the second. */
export function spdxTimestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function namespaceFor(name: string, uuid: string): string {
  return `${NAMESPACE_PREFIX}/${spdxIdPart(name)}-${uuid}`;
}

// An SBOM that silently lacks packages misleads an auditor: say when the scan warned.
function warningComment(inventory: Inventory): string | undefined {
  const n = inventory.warnings.length;
  if (n === 0) {
    return undefined;
  }

  const codes = [...new Set(inventory.warnings.map((w) => w.code))].sort().join(', ');
  return `Moat raised ${n} warning${n === 1 ? '' : 's'} while reading the image (${codes}); `
    + 'packages in the files concerned may be missing.';
}

function buildDocument(inventory: Inventory, options: SpdxOptions, uuid: string): SpdxDocument {
  const packages = sortPackages(inventory.packages);
  const ids = assignIds(
    packages,
    (p) => `SPDXRef-Package-${spdxIdPart(`${p.type}-${p.name}-${p.version}`)}`,
    (id, tag) => `${id}-${tag}`,
  );
  const extracted = new ExtractedLicenses();
  const elements = [imageElement(inventory.image, IMAGE_ID)];
  if (inventory.os !== undefined) {
    elements.push(osElement(inventory.os, OS_ID));
  }

  packages.forEach((pkg, i) => elements.push(packageElement(pkg, ids[i] as string, extracted)));
  const contains = elements.slice(1).map((element): Relationship => ({
    spdxElementId: IMAGE_ID,
    relationshipType: 'CONTAINS',
    relatedSpdxElement: element.SPDXID,
  }));
  const licenses = extracted.list();
  const name = inventory.image.reference;
  const comment = warningComment(inventory);
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: DOCUMENT_ID,
    name,
    documentNamespace: namespaceFor(name, uuid),
    creationInfo: {
      created: spdxTimestamp(options.now),
      creators: [`Tool: moat-${options.toolVersion}`],
    },
    ...(comment === undefined ? {} : { comment }),
    documentDescribes: [IMAGE_ID],
    packages: elements,
    ...(licenses.length === 0 ? {} : { hasExtractedLicensingInfos: licenses }),
    relationships: [
      { spdxElementId: DOCUMENT_ID, relationshipType: 'DESCRIBES', relatedSpdxElement: IMAGE_ID },
      ...contains,
    ],
  };
}

/** The inventory as an SPDX 2.3 JSON document; ends with a newline. */
export function formatSpdx(inventory: Inventory, options: SpdxOptions): string {
  if (options.uuid !== undefined) {
    return `${JSON.stringify(buildDocument(inventory, options, options.uuid), null, 2)}\n`;
  }

  // Same content and clock, same namespace; anything else gets a new one.
  const draft = buildDocument(inventory, options, '');
  const digest = createHash('sha256').update(JSON.stringify(draft)).digest('hex');
  draft.documentNamespace = namespaceFor(draft.name, uuidV5(`moat:spdx:${digest}`));
  return `${JSON.stringify(draft, null, 2)}\n`;
}
