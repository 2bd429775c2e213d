import { describe, expect, it } from 'vitest';
import { VersionError } from './errors.js';
import { parsedScheme } from './parsed-scheme.js';

// Versions are whole numbers; anything else is invalid. Counts every parse it is asked for.
function countingScheme(limit?: number) {
  const parses: string[] = [];
  const scheme = parsedScheme({
    name: 'test',
    parse: (version: string) => {
      parses.push(version);
      if (version === 'boom') {
        throw new TypeError('a fault, not a verdict');
      }

      if (!/^[0-9]+$/.test(version)) {
        throw new VersionError('test', version, 'expected digits');
      }

      return Number(version);
    },
    compareParsed: (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0),
  }, limit);
  return { scheme, parses };
}

describe('parsedScheme', () => {
  it('parses each string once however often it is compared', () => {
    const { scheme, parses } = countingScheme();
    for (let i = 0; i < 5; i += 1) {
      expect(scheme.compare('2', '10')).toBe(-1);
      expect(scheme.compare('10', '2')).toBe(1);
      expect(scheme.compare('7', '7')).toBe(0);
    }

    expect(parses.sort()).toEqual(['10', '2', '7']);
    expect(scheme.isValid('2')).toBe(true);
    expect(parses).toHaveLength(3);
  });

  it('never holds more than its limit, and answers the same after emptying', () => {
    const { scheme, parses } = countingScheme(4);
    const versions = Array.from({ length: 25 }, (_, i) => String(i));
    for (const a of versions) {
      for (const b of versions) {
        expect(scheme.compare(a, b)).toBe(Math.sign(Number(a) - Number(b)));
        expect(scheme.cached).toBeLessThanOrEqual(4);
      }
    }

    expect(parses.length).toBeGreaterThan(versions.length);
  });

  it('keeps nothing with a limit of 0, and gives the same answers', () => {
    const { scheme, parses } = countingScheme(0);
    expect(scheme.compare('3', '30')).toBe(-1);
    expect(scheme.compare('3', '30')).toBe(-1);
    expect(scheme.cached).toBe(0);
    expect(parses).toEqual(['3', '30', '3', '30']);
  });

  it('keeps reporting an invalid version as invalid, on either side, parsing it once', () => {
    const { scheme, parses } = countingScheme();
    for (let i = 0; i < 3; i += 1) {
      expect(scheme.isValid('1.x')).toBe(false);
      expect(() => scheme.compare('1.x', '1')).toThrow(VersionError);
      expect(() => scheme.compare('1', '1.x')).toThrow('invalid test version "1.x"');
      expect(() => scheme.parse('1.x')).toThrow(expect.objectContaining({
        code: 'INVALID_VERSION', version: '1.x' }));
    }

    expect(parses.filter((v) => v === '1.x')).toHaveLength(1);
    expect(scheme.compare('1', '2')).toBe(-1);
  });

  it('lets a fault other than VersionError through and does not keep it', () => {
    const { scheme, parses } = countingScheme();
    expect(() => scheme.compare('boom', '1')).toThrow(TypeError);
    expect(() => scheme.isValid('boom')).toThrow(TypeError);
    expect(parses.filter((v) => v === 'boom')).toHaveLength(2);
  });

  it('does not keep strings longer than 256 characters', () => {
    const { scheme, parses } = countingScheme();
    const long = '1'.repeat(300);
    expect(scheme.compare(long, '1')).toBe(1);
    expect(scheme.compare(long, '1')).toBe(1);
    expect(parses.filter((v) => v === long)).toHaveLength(2);
    expect(scheme.cached).toBe(1);
  });

  it('makes a scheme with its own empty cache through withLimit', () => {
    const { scheme, parses } = countingScheme();
    scheme.compare('1', '2');
    const other = scheme.withLimit(1);
    expect(other.cached).toBe(0);
    expect(other.compare('1', '2')).toBe(-1);
    expect(other.cached).toBe(1);
    expect(parses).toEqual(['1', '2', '1', '2']);
  });

  it.each([-1, 1.5, Number.NaN])('refuses a limit of %s', (limit) => {
    expect(() => countingScheme(limit)).toThrow(RangeError);
  });
});
