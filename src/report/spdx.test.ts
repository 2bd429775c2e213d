import { readFileSync } from 'node:fs';
import { Ajv2019 } from 'ajv/dist/2019.js';
import parseExpression from 'spdx-expression-parse';
import { describe, expect, it } from 'vitest';
import { bareInventory, sampleInventory } from './__tests__/sample-inventory.js';
import { formatSpdx } from './spdx.js';

const NOW = new Date('2026-12-03T10:00:00.123Z');
const OPTIONS = { now: NOW, toolVersion: '0.1.0' };
// The official SPDX 2.3 JSON schema (see schemas/README.md); draft 2019-09.
const schema = JSON.parse(
  readFileSync(new URL('./schemas/spdx-2.3.schema.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv2019({ allErrors: true, strict: false }).compile(schema);

interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  supplier: string;
  licenseDeclared: string;
  licenseConcluded: string;
  sourceInfo?: string;
  checksums?: unknown[];
  externalRefs?: Array<Record<'referenceCategory' | 'referenceType' | 'referenceLocator', string>>;
  primaryPackagePurpose: string;
}

interface SpdxDoc {
  spdxVersion: string;
  dataLicense: string;
  SPDXID: string;
  documentNamespace: string;
  comment?: string;
  creationInfo: { created: string; creators: string[] };
  documentDescribes: string[];
  packages: SpdxPackage[];
  hasExtractedLicensingInfos?: Array<{ licenseId: string; extractedText: string }>;
  relationships: Array<Record<'spdxElementId' | 'relationshipType' | 'relatedSpdxElement', string>>;
}

function render(
  inventory = sampleInventory(),
  options: typeof OPTIONS & { uuid?: string } = OPTIONS,
): SpdxDoc {
  return JSON.parse(formatSpdx(inventory, options)) as SpdxDoc;
}

function pkg(doc: SpdxDoc, name: string): SpdxPackage {
  const found = doc.packages.find((p) => p.name === name);
  if (found === undefined) {
    throw new Error(`no package ${name}`);
  }

  return found;
}

describe('formatSpdx', () => {
  it.each([
    ['a full image', sampleInventory()],
    ['a dir: rootfs without digests, layers or OS', bareInventory()],
  ])('validates against the official SPDX 2.3 schema for %s', (_what, inventory) => {
    const valid = validate(render(inventory));

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has a schema that rejects a broken document', () => {
    const doc = render();
    doc.packages[0] = { ...doc.packages[0]!, primaryPackagePurpose: 'SPACESHIP' };

    expect(validate(doc)).toBe(false);
  });

  it('writes the document header', () => {
    const uuid = '3e671687-395b-41f5-a30f-a58921a69b79';
    const doc = render(sampleInventory(), { ...OPTIONS, uuid });

    expect(doc).toMatchObject({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      documentNamespace: 'https://spdx.org/spdxdocs/moat/'
        + 'registry.example.com-payments-api-1.4.2-3e671687-395b-41f5-a30f-a58921a69b79',
      creationInfo: { created: '2026-12-03T10:00:00Z', creators: ['Tool: moat-0.1.0'] },
      documentDescribes: ['SPDXRef-Image'],
    });
  });

  it('says in the document comment when the scan raised warnings', () => {
    expect(render().comment).toBe(
      'Moat raised 1 warning while reading the image (DPKG_ENTRY_INVALID); '
        + 'packages in the files concerned may be missing.',
    );
    expect(render(bareInventory()).comment).toBeUndefined();
  });

  it('gives every element a unique SPDXID made of allowed characters only', () => {
    const ids = render().packages.map((p) => p.SPDXID);

    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !/^SPDXRef-[A-Za-z0-9.-]+$/.test(id))).toEqual([]);
    expect(ids).toContain('SPDXRef-Package-deb-libstdc-6-12.2.0-14');
    expect(ids).toContain('SPDXRef-Package-npm-babel-core-7.23.2');
  });

  it('relates the document to the image and the image to every other package', () => {
    const doc = render();
    const contained = doc.relationships
      .filter((r) => r.spdxElementId === 'SPDXRef-Image' && r.relationshipType === 'CONTAINS')
      .map((r) => r.relatedSpdxElement);

    expect(doc.relationships[0]).toEqual({
      spdxElementId: 'SPDXRef-DOCUMENT',
      relationshipType: 'DESCRIBES',
      relatedSpdxElement: 'SPDXRef-Image',
    });
    expect(contained.sort()).toEqual(doc.packages.slice(1).map((p) => p.SPDXID).sort());
  });

  it('describes the image, its OS and purposes', () => {
    const doc = render();

    expect(pkg(doc, 'registry.example.com/payments/api:1.4.2')).toMatchObject({
      primaryPackagePurpose: 'CONTAINER',
      versionInfo: `sha256:${'e'.repeat(64)}`,
      checksums: [{ algorithm: 'SHA256', checksumValue: 'e'.repeat(64) }],
    });
    expect(pkg(doc, 'debian')).toMatchObject({
      primaryPackagePurpose: 'OPERATING_SYSTEM',
      versionInfo: '12',
    });
    expect(pkg(doc, 'github.com/acme/payments').primaryPackagePurpose).toBe('APPLICATION');
    expect(pkg(doc, 'lodash').primaryPackagePurpose).toBe('LIBRARY');
  });

  it('writes purls, suppliers and source info', () => {
    const libssl = pkg(render(), 'libssl3');

    expect(libssl.externalRefs).toEqual([{
      referenceCategory: 'PACKAGE-MANAGER',
      referenceType: 'purl',
      referenceLocator: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2'
        + '?arch=amd64&distro=debian-12&upstream=openssl',
    }]);
    expect(libssl.supplier).toBe('Organization: Debian');
    expect(libssl.sourceInfo).toBe(
      'built from source package openssl 3.0.11-1~deb12u2; added by image layer 0 '
        + `(sha256:${'a'.repeat(64)}): ADD file:0a1b2c3d in /`,
    );
    expect(pkg(render(), 'lodash').supplier).toBe('NOASSERTION');
  });

  it.each([
    ['bash', 'GPL-3.0-or-later'],
    ['python3-yaml', 'MIT'],
    ['github.com/acme/payments', 'Apache-2.0 OR MIT'],
    ['org.apache.logging.log4j:log4j-core',
      'Apache-2.0 AND ((MIT OR GPL-2.0-only) AND BSD-2-Clause)'],
    ['PyYAML', 'LicenseRef-MIT-License-abb2896d'],
    ['stdlib', 'NOASSERTION'],
  ])('declares the licenses of %s as %s', (name, expected) => {
    const found = pkg(render(), name);

    expect(found.licenseDeclared).toBe(expected);
    expect(found.licenseConcluded).toBe('NOASSERTION');
  });

  it('writes only valid expressions and defines every LicenseRef once', () => {
    const doc = render();
    const defined = new Set((doc.hasExtractedLicensingInfos ?? []).map((l) => l.licenseId));
    const refs = (p: SpdxPackage) => p.licenseDeclared.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? [];
    const used = new Set(doc.packages.flatMap(refs));

    for (const p of doc.packages.filter((p) => p.licenseDeclared !== 'NOASSERTION')) {
      expect(() => parseExpression(p.licenseDeclared), p.name).not.toThrow();
    }
    expect([...used].sort()).toEqual([...defined].sort());
    expect(doc.hasExtractedLicensingInfos).toContainEqual({
      licenseId: 'LicenseRef-GPL-3-with-GCC-Runtime-Library-exception-ab808ac6',
      extractedText: 'GPL-3+ with GCC-Runtime-Library-exception-3.1',
      name: 'GPL-3+ with GCC-Runtime-Library-exception-3.1',
    });
  });

  it('is deterministic for the same input and clock, and names a new namespace otherwise', () => {
    const first = formatSpdx(sampleInventory(), OPTIONS);
    const tomorrow = { ...OPTIONS, now: new Date('2026-12-04T00:00:00Z') };
    const later = render(sampleInventory(), tomorrow);

    expect(formatSpdx(sampleInventory(), OPTIONS)).toBe(first);
    expect(later.documentNamespace).not.toBe((JSON.parse(first) as SpdxDoc).documentNamespace);
  });
});
