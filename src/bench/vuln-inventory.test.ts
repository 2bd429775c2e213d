import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchInventory } from './vuln-inventory.js';

const vulndata = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'vulndata');

describe.skipIf(!existsSync(vulndata))('benchInventory', () => {
  it('takes real names from every ecosystem, the same ones each time', async () => {
    const first = await benchInventory(vulndata);
    const again = await benchInventory(vulndata);
    expect(first.packages).toHaveLength(10_000);
    expect(again.packages).toEqual(first.packages);

    const types = new Set(first.packages.map((p) => p.type));
    expect([...types].sort()).toEqual(['deb', 'golang', 'maven', 'npm', 'pypi']);
    const glibc = first.packages.find((p) => p.name === 'glibc');
    expect(glibc?.source).toEqual({ name: 'glibc', version: glibc?.version });
    expect(first.packages.every((p) => p.version !== '')).toBe(true);
  }, 60_000);

  it('stops at the size asked for', async () => {
    const small = await benchInventory(vulndata, 50);
    expect(small.packages).toHaveLength(50);
    expect(small.packages.every((p) => p.type === 'deb')).toBe(true);
  }, 60_000);
});
