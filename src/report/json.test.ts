import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { sortPackages } from './packages.js';
import { bareInventory, sampleInventory } from './__tests__/sample-inventory.js';
import { formatJson, toMoatJson } from './json.js';
import { parseMoatJson } from './json-read.js';

const schemaPath = new URL('../../schemas/moat-sbom-v1.schema.json', import.meta.url);
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(schemaPath, 'utf8')) as object,
);

describe('formatJson', () => {
  it.each([
    ['a full image', sampleInventory()],
    ['a dir: rootfs without digests, layers or OS', bareInventory()],
  ])('validates against the published schema for %s', (_what, inventory) => {
    const valid = validate(JSON.parse(formatJson(inventory)));

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('round-trips through parseMoatJson to the same inventory, packages sorted', () => {
    const inventory = sampleInventory();

    const back = parseMoatJson(formatJson(inventory));

    expect(back).toEqual({ ...inventory, packages: sortPackages(inventory.packages) });
    expect(formatJson(back)).toBe(formatJson(inventory));
  });

  it('gives the same bytes whatever order the packages came in', () => {
    const inventory = sampleInventory();
    const reversed = { ...inventory, packages: [...inventory.packages].reverse() };

    expect(formatJson(reversed)).toBe(formatJson(inventory));
  });

  it('writes keys in the documented order', () => {
    const doc = toMoatJson(sampleInventory());
    const libssl = doc.packages.find((p) => p.name === 'libssl3');

    expect(Object.keys(doc)).toEqual(['schemaVersion', 'image', 'os', 'packages', 'warnings']);
    expect(Object.keys(libssl ?? {})).toEqual([
      'name', 'version', 'ecosystem', 'type', 'purl', 'source',
      'licenses', 'locations', 'layer', 'metadata',
    ]);
    expect(Object.keys(doc.image.layers[0] ?? {})).toEqual([
      'index', 'digest', 'diffId', 'createdBy',
    ]);
  });

  it('writes null for a package without a layer and for a layer without a build step', () => {
    const doc = toMoatJson(sampleInventory());
    const net = doc.packages.find((p) => p.name === 'golang.org/x/net');
    const stdlib = doc.packages.find((p) => p.name === 'stdlib');

    expect(net?.layer).toBeNull();
    expect(net?.locations).toEqual([{ path: '/usr/local/bin/payments', layer: null }]);
    expect(stdlib?.layer).toEqual({
      index: 3,
      digest: `sha256:${'d'.repeat(64)}`,
      createdBy: null,
    });
    expect(toMoatJson(bareInventory()).os).toBeNull();
  });
});

describe('parseMoatJson', () => {
  const good = () => JSON.parse(formatJson(sampleInventory())) as Record<string, unknown>;

  it.each([
    ['text that is not JSON', '{"schemaVersion": "1",', 'INVALID_DOCUMENT', /not valid JSON/],
    ['an array', '[]', 'INVALID_DOCUMENT', /\$: expected an object/],
    ['a future schema', JSON.stringify({ ...good(), schemaVersion: '2' }),
      'UNSUPPORTED_SCHEMA', /"2"/],
    ['a package with a bad type', JSON.stringify({
      ...good(),
      packages: [{ ...(good().packages as object[])[0], type: 'cargo' }],
    }), 'INVALID_DOCUMENT', /\$\.packages\[0\]\.type: unknown package type "cargo"/],
    ['a negative layer index', JSON.stringify({
      ...good(),
      image: { reference: 'x', transport: 'dir', layers: [{ index: -1, digest: 'sha256:00' }] },
    }), 'INVALID_DOCUMENT', /\$\.image\.layers\[0\]\.index/],
    ['metadata with a number', JSON.stringify({
      ...good(),
      packages: [{ ...(good().packages as object[])[0], metadata: { size: 3 } }],
    }), 'INVALID_DOCUMENT', /\$\.packages\[0\]\.metadata\.size: expected a string/],
  ])('rejects %s', (_what, text, code, message) => {
    const matcher = expect.objectContaining({ code, message: expect.stringMatching(message) });

    expect(() => parseMoatJson(text)).toThrow(matcher);
  });
});
