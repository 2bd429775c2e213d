// SPDX 2.3 package elements (spec clause 7) for the image, its OS and each package, and the
// license fields they need. Free license text becomes a `LicenseRef-` with its text recorded
// once per document in `hasExtractedLicensingInfos` (clause 10).
import type { ImageSummary, OsRelease, Package } from '../inventory/model.js';
import { imagePurl } from './image-purl.js';
import { classifyLicenses, conjoin, licenseRefFor } from './licenses.js';
import { isGoMainModule, isOsPackage } from './packages.js';
import { describeStep } from './steps.js';

export const NOASSERTION = 'NOASSERTION';

export interface ExternalRef {
  referenceCategory: 'PACKAGE-MANAGER';
  referenceType: 'purl';
  referenceLocator: string;
}

export interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  supplier: string;
  originator?: string;
  downloadLocation: string;
  filesAnalyzed: false;
  checksums?: Array<{ algorithm: 'SHA256'; checksumValue: string }>;
  sourceInfo?: string;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  description?: string;
  comment?: string;
  externalRefs?: ExternalRef[];
  primaryPackagePurpose: 'CONTAINER' | 'OPERATING_SYSTEM' | 'APPLICATION' | 'LIBRARY';
}

export interface ExtractedLicense {
  licenseId: string;
  extractedText: string;
  name: string;
}

/** Collects the free-text licenses a document refers to, each once. */
export class ExtractedLicenses {
  readonly #byId = new Map<string, ExtractedLicense>();

  /** Returns the `LicenseRef-` id for this text, recording the text. */
  refer(text: string): string {
    const licenseId = licenseRefFor(text);
    this.#byId.set(licenseId, { licenseId, extractedText: text, name: text });
    return licenseId;
  }

  /** Every recorded license, sorted by id. */
  list(): ExtractedLicense[] {
    return [...this.#byId.values()].sort((a, b) => (a.licenseId < b.licenseId ? -1 : 1));
  }
}

/** A valid SPDX license expression for the declared licenses, or NOASSERTION. */
export function declaredExpression(
  licenses: readonly string[],
  extracted: ExtractedLicenses,
): string {
  const parts = classifyLicenses(licenses).map((license) => {
    // A reference to a license the document does not define would be dangling: keep the text.
    if (license.kind === 'spdx' && !/(LicenseRef|DocumentRef)-/.test(license.expression)) {
      return license.expression;
    }

    return extracted.refer(license.kind === 'spdx' ? license.expression : license.text);
  });
  return parts.length === 0 ? NOASSERTION : conjoin(parts);
}

/** Makes an SPDXID from any text: only `[A-Za-z0-9.-]` (SPDX 2.3 clause 7.2). */
export function spdxIdPart(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-|-$/g, '');
  return clean.slice(0, 120) || 'unnamed';
}

// Agent syntax (clause 7.5): `Person: name (email)`; `Name <mail>` is rewritten.
function person(text: string | undefined): string | undefined {
  if (text === undefined || text.trim() === '') {
    return undefined;
  }

  return `Person: ${text.trim().replace(/\s*<([^>]*)>\s*$/, ' ($1)')}`;
}

function sourceInfo(pkg: Package): string | undefined {
  const parts: string[] = [];
  if (pkg.source !== undefined) {
    const version = pkg.source.version === undefined ? '' : ` ${pkg.source.version}`;
    parts.push(`built from source package ${pkg.source.name}${version}`);
  }

  if (pkg.layer !== undefined) {
    const step = describeStep(pkg.layer.createdBy);
    const layer = `added by image layer ${pkg.layer.index} (${pkg.layer.digest})`;
    parts.push(step === '' ? layer : `${layer}: ${step}`);
  }

  return parts.length === 0 ? undefined : parts.join('; ');
}

function purlRef(purl: string): ExternalRef[] {
  return [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }];
}

/** The SPDX package for one inventory package. */
export function packageElement(
  pkg: Package,
  spdxId: string,
  extracted: ExtractedLicenses,
): SpdxPackage {
  const originator = person(pkg.metadata?.author);
  const source = sourceInfo(pkg);
  return {
    name: pkg.name,
    SPDXID: spdxId,
    versionInfo: pkg.version,
    supplier: isOsPackage(pkg) ? `Organization: ${pkg.ecosystem}` : NOASSERTION,
    ...(originator === undefined ? {} : { originator }),
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    ...(source === undefined ? {} : { sourceInfo: source }),
    licenseConcluded: NOASSERTION,
    licenseDeclared: declaredExpression(pkg.licenses, extracted),
    copyrightText: NOASSERTION,
    externalRefs: purlRef(pkg.purl),
    primaryPackagePurpose: isGoMainModule(pkg) ? 'APPLICATION' : 'LIBRARY',
  };
}

/** The SPDX package for the image itself. */
export function imageElement(image: ImageSummary, spdxId: string): SpdxPackage {
  const purl = imagePurl(image);
  const sha256 = image.manifestDigest?.match(/^sha256:([0-9a-f]{64})$/)?.[1];
  const checksums = sha256 === undefined
    ? undefined
    : [{ algorithm: 'SHA256' as const, checksumValue: sha256 }];
  const facts = [`transport ${image.transport}`];
  if (image.configDigest !== undefined) {
    facts.push(`config ${image.configDigest}`);
  }

  if (image.platform !== undefined) {
    facts.push(`platform ${image.platform}`);
  }

  return {
    name: image.reference,
    SPDXID: spdxId,
    ...(image.manifestDigest === undefined ? {} : { versionInfo: image.manifestDigest }),
    supplier: NOASSERTION,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    ...(checksums === undefined ? {} : { checksums }),
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    comment: `Container image read by Moat: ${facts.join(', ')}`,
    ...(purl === undefined ? {} : { externalRefs: purlRef(purl) }),
    primaryPackagePurpose: 'CONTAINER',
  };
}

/** The SPDX package for the image's operating system. */
export function osElement(os: OsRelease, spdxId: string): SpdxPackage {
  return {
    name: os.id,
    SPDXID: spdxId,
    ...(os.versionId === undefined ? {} : { versionInfo: os.versionId }),
    supplier: NOASSERTION,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    ...(os.prettyName === undefined ? {} : { description: os.prettyName }),
    primaryPackagePurpose: 'OPERATING_SYSTEM',
  };
}
