import { describe, expect, it } from 'vitest';
import { sampleInventory } from './__tests__/sample-inventory.js';
import {
  formatInventory,
  INVENTORY_FORMATS,
  type InventoryFormat,
  isInventoryFormat,
} from './index.js';

const OPTIONS = { colour: false, now: new Date('2026-12-03T10:00:00Z'), toolVersion: '0.1.0' };

describe('formatInventory', () => {
  it.each([
    ['table', /^registry\.example\.com\/payments\/api:1\.4\.2 /],
    ['json', /^\{\n {2}"schemaVersion": "1",/],
    ['cyclonedx', /"bomFormat": "CycloneDX"/],
    ['spdx', /"spdxVersion": "SPDX-2\.3"/],
  ] as const)('renders %s', (format, pattern) => {
    const text = formatInventory(sampleInventory(), format, OPTIONS);

    expect(text).toMatch(pattern);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('passes the UUID to both SBOM formats', () => {
    const uuid = '3e671687-395b-41f5-a30f-a58921a69b79';

    const options = { ...OPTIONS, uuid };

    expect(formatInventory(sampleInventory(), 'cyclonedx', options)).toContain(`urn:uuid:${uuid}`);
    expect(formatInventory(sampleInventory(), 'spdx', options)).toContain(`-${uuid}"`);
  });

  it('passes the terminal width to the table', () => {
    const text = formatInventory(sampleInventory(), 'table', { ...OPTIONS, columns: 50 });

    expect(text.split('\n').every((line) => [...line].length <= 50)).toBe(true);
  });

  it('rejects a UUID in the wrong form', () => {
    expect(() => formatInventory(sampleInventory(), 'spdx', { ...OPTIONS, uuid: 'ABC' }))
      .toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('rejects an unknown format with the list of formats', () => {
    expect(() => formatInventory(sampleInventory(), 'xml' as InventoryFormat, OPTIONS))
      .toThrow(expect.objectContaining({
        code: 'UNKNOWN_FORMAT',
        message: expect.stringContaining('table, json, cyclonedx, spdx'),
      }));
  });

  it('knows its formats', () => {
    expect(INVENTORY_FORMATS).toEqual(['table', 'json', 'cyclonedx', 'spdx']);
    expect(isInventoryFormat('spdx')).toBe(true);
    expect(isInventoryFormat('sarif')).toBe(false);
  });
});
