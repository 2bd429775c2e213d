import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { describe, expect, it } from 'vitest';
import { bareInventory, sampleInventory } from './__tests__/sample-inventory.js';
import { formatCycloneDx } from './cyclonedx.js';

const NOW = new Date('2026-12-03T10:00:00Z');
const OPTIONS = { now: NOW, toolVersion: '0.1.0' };
// The library's own JSON schema validator for 1.6 (ajv, ajv-formats and
// ajv-formats-draft2019 are dev dependencies): a missing one fails the test.
const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);

interface Component {
  type: string;
  name: string;
  version?: string;
  group?: string;
  purl?: string;
  'bom-ref'?: string;
  licenses?: Array<{ license?: { id?: string; name?: string }; expression?: string }>;
  properties?: Array<{ name: string; value: string }>;
  evidence?: { occurrences: Array<{ location: string; additionalContext?: string }> };
}

interface CdxDoc {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; tools: { components: Component[] }; component: Component };
  components: Component[];
  dependencies: Array<{ ref: string; dependsOn?: string[] }>;
}

function render(inventory = sampleInventory(), options = OPTIONS): CdxDoc {
  return JSON.parse(formatCycloneDx(inventory, options)) as CdxDoc;
}

function component(doc: CdxDoc, name: string): Component {
  const found = doc.components.find((c) => c.name === name);
  if (found === undefined) {
    throw new Error(`no component ${name}`);
  }

  return found;
}

describe('formatCycloneDx', () => {
  it.each([
    ['a full image', sampleInventory()],
    ['a dir: rootfs without digests, layers or OS', bareInventory()],
  ])('validates against the CycloneDX 1.6 schema for %s', async (_what, inventory) => {
    const errors = await validator.validate(formatCycloneDx(inventory, OPTIONS));

    expect(errors).toBeNull();
  });

  it('has a validator that rejects a broken document', async () => {
    const doc = render();
    doc.components[0] = { ...doc.components[0]!, type: 'spaceship' };

    expect(await validator.validate(JSON.stringify(doc))).not.toBeNull();
  });

  it('describes the image as a container with its digest and oci purl', () => {
    const doc = render();

    expect(doc.specVersion).toBe('1.6');
    expect(doc.metadata.timestamp).toBe('2026-12-03T10:00:00.000Z');
    expect(doc.metadata.tools.components).toEqual([
      { type: 'application', name: 'moat', version: '0.1.0' },
    ]);
    expect(doc.metadata.component).toMatchObject({
      type: 'container',
      name: 'registry.example.com/payments/api:1.4.2',
      version: `sha256:${'e'.repeat(64)}`,
      purl: `pkg:oci/api@sha256:${'e'.repeat(64)}`
        + '?arch=amd64&repository_url=registry.example.com%2Fpayments%2Fapi&tag=1.4.2',
    });
    expect(render(bareInventory()).metadata.component.purl).toBeUndefined();
  });

  it('types the OS as operating-system, the Go main module as application, others library', () => {
    const doc = render();

    expect(component(doc, 'debian')).toMatchObject({ type: 'operating-system', version: '12' });
    expect(component(doc, 'github.com/acme/payments').type).toBe('application');
    expect(component(doc, 'stdlib').type).toBe('library');
    expect(component(doc, 'log4j-core')).toMatchObject({
      type: 'library',
      group: 'org.apache.logging.log4j',
    });
  });

  it('gives every package a unique bom-ref and makes the image depend on all of them', () => {
    const doc = render();
    const refs = doc.components.map((c) => c['bom-ref']);
    const image = doc.dependencies.find((d) => d.ref === 'image');

    expect(new Set(refs).size).toBe(refs.length);
    expect(doc.components).toHaveLength(15);
    expect([...(image?.dependsOn ?? [])].sort()).toEqual([...refs].sort());
    expect(refs.filter((r) => r?.startsWith('pkg:npm/lodash@4.17.21#'))).toHaveLength(2);
  });

  it('records layers as properties and locations as evidence occurrences', () => {
    const yaml = component(render(), 'PyYAML');
    const net = component(render(), 'golang.org/x/net');

    expect(yaml.properties).toEqual(expect.arrayContaining([
      { name: 'moat:layer:index', value: '1' },
      { name: 'moat:layer:digest', value: `sha256:${'b'.repeat(64)}` },
      { name: 'moat:layer:createdBy', value: expect.stringContaining('apt-get install') },
    ]));
    expect(yaml.evidence?.occurrences).toEqual([
      {
        location: '/usr/lib/python3/dist-packages/PyYAML-6.0.1.dist-info/METADATA',
        additionalContext: `layer 1 sha256:${'b'.repeat(64)}`,
      },
      {
        location: '/usr/lib/python3/dist-packages/PyYAML-6.0.1.dist-info/RECORD',
        additionalContext: `layer 1 sha256:${'b'.repeat(64)}`,
      },
    ]);
    expect(net.evidence?.occurrences).toEqual([{ location: '/usr/local/bin/payments' }]);
    expect(net.properties?.some((p) => p.name.startsWith('moat:layer:'))).toBe(false);
  });

  it('records the source package', () => {
    expect(component(render(), 'libssl3').properties).toEqual(expect.arrayContaining([
      { name: 'moat:source:name', value: 'openssl' },
      { name: 'moat:source:version', value: '3.0.11-1~deb12u2' },
    ]));
  });

  it.each([
    ['bash', [{ license: { id: 'GPL-3.0-or-later' } }]],
    ['python3-yaml', [{ license: { id: 'MIT' } }]],
    ['github.com/acme/payments', [{ expression: 'Apache-2.0 OR MIT' }]],
    ['log4j-core', [{ expression: 'Apache-2.0 AND ((MIT OR GPL-2.0-only) AND BSD-2-Clause)' }]],
    ['PyYAML', [{ license: { name: 'MIT License' } }]],
    ['libssl3', [
      { license: { id: 'Apache-2.0' } },
      { license: { id: 'GPL-1.0-or-later' } },
      { license: { name: 'Artistic' } },
    ]],
    ['stdlib', undefined],
  ])('writes the licenses of %s as SPDX ids, one expression or names', (name, licenses) => {
    const found = component(render(), name).licenses;

    expect(found === undefined ? undefined : [...found].sort((a, b) =>
      JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)).toEqual(licenses);
  });

  describe('serial number', () => {
    it('is the injected UUID', () => {
      const uuid = '3e671687-395b-41f5-a30f-a58921a69b79';

      expect(render(sampleInventory(), { ...OPTIONS, uuid } as typeof OPTIONS).serialNumber)
        .toBe(`urn:uuid:${uuid}`);
    });

    it('is derived from content and clock: same input, same bytes; new clock, new serial', () => {
      const first = formatCycloneDx(sampleInventory(), OPTIONS);
      const tomorrow = { ...OPTIONS, now: new Date('2026-12-04T10:00:00Z') };
      const later = render(sampleInventory(), tomorrow);

      expect(formatCycloneDx(sampleInventory(), OPTIONS)).toBe(first);
      expect(JSON.parse(first).serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(later.serialNumber).not.toBe(JSON.parse(first).serialNumber);
    });
  });
});
