// The report formats on real data: this machine's dpkg database, Debian copyright files and
// os-release, and the npm packages Moat itself installed, catalogued by Moat's catalogers.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogFiles } from '../inventory/catalog.js';
import { defaultCatalogers } from '../inventory/catalogers/index.js';
import type { Inventory } from '../inventory/model.js';
import { osDetector } from '../inventory/os.js';
import { type FixtureFile, buildView, filesFromHostDir } from '../inventory/test-view.js';
import { formatInventory } from './index.js';
import { parseMoatJson } from './json-read.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OPTIONS = { colour: false, now: new Date('2026-12-03T10:00:00Z'), toolVersion: '0.1.0' };
const LAYER = { index: 0, digest: `sha256:${'0'.repeat(64)}`, createdBy: 'ADD rootfs.tar /' };

function hostFiles(): Record<string, FixtureFile> {
  const files: Record<string, FixtureFile> = {
    '/etc/os-release': { content: { host: '/etc/os-release' }, layer: LAYER },
    '/var/lib/dpkg/status': { content: { host: '/var/lib/dpkg/status' }, layer: LAYER },
  };
  for (const name of readdirSync('/usr/share/doc')) {
    const copyright = join('/usr/share/doc', name, 'copyright');
    if (existsSync(copyright)) {
      files[copyright] = { content: { host: copyright }, layer: LAYER };
    }
  }

  const modules = filesFromHostDir(join(repoRoot, 'node_modules'), '/app/node_modules',
    (rel) => rel.endsWith('package.json') && !rel.includes('/test'));
  return { ...files, ...modules };
}

function readJson(path: string): object {
  return JSON.parse(readFileSync(path, 'utf8')) as object;
}

function skipReason(): string | undefined {
  if (existsSync('/var/lib/dpkg/status')) {
    return undefined;
  }

  const reason = 'skipping reports of this machine: needs a Debian host with /var/lib/dpkg/status';
  console.log(reason);
  return reason;
}

describe.skipIf(skipReason())('reports of this machine', () => {
  let inventory: Inventory;

  beforeAll(async () => {
    const catalogers = defaultCatalogers();
    const view = buildView(hostFiles(), [osDetector, ...catalogers]);
    const { os, packages, warnings } = await catalogFiles(view, catalogers, osDetector);
    inventory = {
      image: { reference: 'dir:/', transport: 'dir', layers: [LAYER] },
      ...(os === undefined ? {} : { os }),
      packages,
      warnings,
    };
  });

  it('finds deb and npm packages with declared licenses', () => {
    const types = new Set(inventory.packages.map((p) => p.type));

    expect(types).toEqual(new Set(['deb', 'npm']));
    expect(inventory.packages.filter((p) => p.licenses.length > 0).length).toBeGreaterThan(100);
  });

  it('writes SPDX 2.3 that the official schema accepts', () => {
    const validate = new Ajv2019({ strict: false }).compile(
      readJson(join(repoRoot, 'src/report/schemas/spdx-2.3.schema.json')),
    );

    expect(validate(JSON.parse(formatInventory(inventory, 'spdx', OPTIONS)))).toBe(true);
  });

  it('writes CycloneDX 1.6 that the library validator accepts', async () => {
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);

    expect(await validator.validate(formatInventory(inventory, 'cyclonedx', OPTIONS))).toBeNull();
  });

  it('writes Moat JSON that its schema accepts and that reads back', () => {
    const text = formatInventory(inventory, 'json', OPTIONS);
    const validate = new Ajv2020({ strict: true }).compile(
      readJson(join(repoRoot, 'schemas/moat-sbom-v1.schema.json')),
    );

    expect(validate(JSON.parse(text))).toBe(true);
    expect(formatInventory(parseMoatJson(text), 'json', OPTIONS)).toBe(text);
  });

  it('fits the table into a terminal', () => {
    const lines = formatInventory(inventory, 'table', { ...OPTIONS, columns: 100 }).split('\n');
    const debs = inventory.packages.filter((p) => p.type === 'deb').length;

    expect(lines.filter((line) => [...line].length > 100)).toEqual([]);
    expect(lines).toContain(`OS packages (${debs})`);
  });
});
