import { describe, expect, it } from 'vitest';
import { getScheme, schemeNames } from './registry.js';

describe('getScheme', () => {
  it.each(schemeNames())('finds the %s scheme by its own name', (name) => {
    expect(getScheme(name)?.name).toBe(name);
  });

  it.each([
    ['Debian', 'dpkg'],
    ['Debian:12', 'dpkg'],
    ['Ubuntu:22.04:LTS', 'dpkg'],
    ['Alpine:v3.19', 'apk'],
    ['Red Hat:enterprise_linux:9::appstream', 'rpm'],
    ['Rocky Linux:9', 'rpm'],
    ['npm', 'semver'],
    ['PyPI', 'pep440'],
    ['Go', 'go'],
    ['Maven', 'maven'],
  ])('maps the OSV ecosystem %j to %s', (ecosystem, name) => {
    expect(getScheme(ecosystem)?.name).toBe(name);
  });

  it('lists every scheme', () => {
    expect(schemeNames().sort()).toEqual(['apk', 'dpkg', 'go', 'maven', 'pep440', 'rpm', 'semver']);
  });

  it.each(['debian', 'DPKG', '', ':', 'Debian12', 'Nonsense:1', 'constructor', '__proto__'])(
    'finds nothing for %j',
    (text) => {
      expect(getScheme(text)).toBeUndefined();
    },
  );
});
