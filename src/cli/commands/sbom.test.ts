// End to end: `moat sbom` on real images built from a debootstrap bookworm rootfs and old npm
// packages, read through every transport, with every output format validated.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../log.js';
import { DEBIAN_APP_NEEDS, debianAppImage } from '../../testing/fixtures.js';
import type { BuiltImage } from '../../testing/images.js';
import { pushToRegistry, toDockerArchive, toOciArchive } from '../../testing/image-export.js';
import { REGISTRY_NEEDS, startRegistry, type TestRegistry } from '../../testing/registry.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { main } from '../main.js';

interface MoatPackage {
  name: string;
  version: string;
  type: string;
  ecosystem: string;
  purl: string;
  source?: { name: string; version?: string };
  layer: { index: number; digest: string; createdBy?: string } | null;
}

interface MoatSbom {
  image: { manifestDigest?: string; layers: unknown[] };
  os?: { id: string; versionId?: string };
  packages: MoatPackage[];
}

async function moat(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(argv, { stdout, stderr, stdin: new PassThrough(), log: silentLogger });
  return { code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
}

async function sbomJson(reference: string): Promise<MoatSbom> {
  const result = await moat('sbom', reference, '--format', 'json', '--no-progress');
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.out) as MoatSbom;
}

function packageKeys(sbom: MoatSbom): string[] {
  return sbom.packages.map((p) => `${p.purl}`).sort();
}

const needs = skipReason('moat sbom end-to-end tests', {
  root: DEBIAN_APP_NEEDS.root,
  tools: [...DEBIAN_APP_NEEDS.tools, ...REGISTRY_NEEDS.tools],
});

describe.skipIf(needs)('moat sbom on a Debian 12 image with old npm packages', () => {
  let image: BuiltImage;
  let fromLayout: MoatSbom;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;

  beforeAll(async () => {
    image = await debianAppImage();
    temp = await makeTempDir('sbom-e2e');
    fromLayout = await sbomJson(image.reference);
  });

  afterAll(async () => {
    await temp?.cleanup();
  });

  it('finds the OS and the dpkg packages with their source packages', () => {
    expect(fromLayout.os).toMatchObject({ id: 'debian', versionId: '12' });
    const debs = fromLayout.packages.filter((p) => p.type === 'deb');
    expect(debs.length).toBeGreaterThan(80);
    const libc = debs.find((p) => p.name === 'libc6');
    expect(libc).toMatchObject({ ecosystem: 'Debian', source: { name: 'glibc' } });
    expect(libc?.purl).toMatch(/^pkg:deb\/debian\/libc6@/);
  });

  it('ties each package to the layer and Dockerfile step that brought it', () => {
    const libc = fromLayout.packages.find((p) => p.name === 'libc6');
    const debootstrap = 'debootstrap --variant=minbase bookworm /';
    expect(libc?.layer).toMatchObject({ index: 0, createdBy: debootstrap });
    expect(libc?.layer?.digest).toBe(image.layers[0]?.digest);

    const lodash = fromLayout.packages.find((p) => p.type === 'npm' && p.name === 'lodash');
    expect(lodash).toMatchObject({ version: '4.17.15', ecosystem: 'npm' });
    // The empty ENV history entry must not shift the step: layer 1 is the COPY.
    expect(lodash?.layer).toMatchObject({ index: 1, createdBy: 'COPY node_modules /srv/app' });
  });

  it('finds scoped and nested npm packages once per install path', () => {
    const traverse = fromLayout.packages.filter((p) => p.name === '@babel/traverse');
    expect(traverse.map((p) => p.version)).toEqual(['7.0.0']);
    expect(traverse[0]?.purl).toBe('pkg:npm/%40babel/traverse@7.0.0');
    expect(fromLayout.packages.some((p) => p.name === 'minimist' && p.version === '0.0.8')).toBe(
      true,
    );
  });

  it('reads the same packages from oci-archive, docker-archive and a registry', async () => {
    const registry: TestRegistry = await startRegistry();
    try {
      const references = [
        await toOciArchive(image, temp.dir),
        await toDockerArchive(image, temp.dir),
        `docker://${await pushToRegistry(image, registry.host)}`,
      ];
      for (const reference of references) {
        const sbom = await sbomJson(reference);
        expect(packageKeys(sbom), reference).toEqual(packageKeys(fromLayout));
      }
    } finally {
      await registry.stop();
    }
  });

  it('writes CycloneDX 1.6 that validates against the official schema', async () => {
    const result = await moat('sbom', image.reference, '--format', 'cyclonedx', '--no-progress');
    expect(result.code).toBe(0);
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(result.out)).toBeNull();
    const bom = JSON.parse(result.out) as { components: Array<{ type: string; purl?: string }> };
    const libraries = bom.components.filter((c) => c.type !== 'operating-system');
    expect(libraries.map((c) => c.purl).sort()).toEqual(packageKeys(fromLayout));
    expect(bom.components.filter((c) => c.type === 'operating-system')).toHaveLength(1);
  });

  it('writes SPDX 2.3 that validates against the official schema, to --output', async () => {
    const output = join(temp.dir, 'image.spdx.json');
    const result = await moat('sbom', image.reference, '-f', 'spdx', '-o', output, '--no-progress');
    expect(result).toMatchObject({ code: 0, out: '' });
    const schemaUrl = new URL('../../report/schemas/spdx-2.3.schema.json', import.meta.url);
    const schema = JSON.parse(readFileSync(schemaUrl, 'utf8')) as object;
    const validate = new Ajv2019({ allErrors: true, strict: false }).compile(schema);
    const doc = JSON.parse(readFileSync(output, 'utf8')) as unknown;
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('prints a plain table without colour codes when piped', async () => {
    const result = await moat('sbom', image.reference, '--no-progress');
    expect(result.code).toBe(0);
    expect(result.out).toContain('libc6');
    expect(result.out).toContain('lodash');
    expect(result.out).not.toContain('\u001b[');
  });

  it('refuses a layer whose bytes do not match its digest, with exit 2', async () => {
    const { dir } = temp;
    const layout = join(dir, 'tampered');
    await (await import('node:fs/promises')).cp(image.layout, layout, { recursive: true });
    const blob = image.layers[2]?.digest.replace('sha256:', '') ?? '';
    await writeFile(join(layout, 'blobs', 'sha256', blob), 'not the layer');
    const result = await moat('sbom', `oci:${layout}:${image.tag}`, '--no-progress');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/SIZE_MISMATCH|DIGEST_MISMATCH|CORRUPT_LAYER/);
    expect(result.out).toBe('');
  });
});

describe('moat sbom usage errors', () => {
  it('exits 2 and says what to type for a path that does not exist', async () => {
    const result = await moat('sbom', 'oci:/no/such/layout', '--no-progress');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/NOT_FOUND.*check the path/);
  });

  it('exits 2 for an unknown format', async () => {
    const result = await moat('sbom', 'dir:/', '--format', 'xml');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/use one of: table, json, cyclonedx, spdx/);
  });
});
