import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMoat } from '../../posture/testing/cli.js';
import { DEBIAN_APP_NEEDS, debianAppImage } from '../../testing/fixtures.js';
import { buildImage, type BuiltImage } from '../../testing/images.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { debootstrapBookworm } from '../../testing/rootfs.js';

const vulndata = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'vulndata');
const skip = !existsSync(vulndata)
  || skipReason('moat scan end to end', DEBIAN_APP_NEEDS) !== undefined;

interface ScanJson {
  summary: { findings: number; failed?: boolean; suppressed: number };
  findings: Finding[];
  suppressed: Finding[];
  expiredIgnores: { id: string }[];
}

interface Finding {
  vulnerability: { id: string; aliases: string[] };
  package: { name: string; version: string; target: string; advisoryName?: string };
  severity: string;
  fixedVersions: string[];
  fixState: string;
  layer: { index: number; createdBy: string } | null;
  suppressed?: { by: string; reason: string };
}

describe.skipIf(skip)('moat scan on real images', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let image: BuiltImage;
  let cache: string;
  const scan = async (args: string[]): Promise<{ code: number; doc: ScanJson; stderr: string }> => {
    const run = await runMoat(['scan', ...args, '--cache-dir', cache, '--format', 'json']);
    return { code: run.code, doc: JSON.parse(run.stdout || '{}') as ScanJson, stderr: run.stderr };
  };
  const ids = (f: Finding): string[] => [f.vulnerability.id, ...f.vulnerability.aliases];

  beforeAll(async () => {
    temp = await makeTempDir('scan-cli');
    image = await debianAppImage();
    cache = join(temp.dir, 'cache');
    const files = ['debian-12', 'npm', 'npm-malicious'].map((f) => join(vulndata, `${f}.jsonl`));
    expect((await runMoat(['db', 'import', ...files, '--cache-dir', cache])).code).toBe(0);
  });

  afterAll(() => temp.cleanup());

  it('finds open Debian issues and old npm packages, with the layers that added them', async () => {
    const { code, doc } = await scan([image.reference]);
    expect(code).toBe(0);

    const os = doc.findings.filter((f) => f.package.target === 'os');
    const npm = doc.findings.filter((f) => f.package.target === '/srv/app/node_modules');
    expect(os.some((f) => f.fixState === 'not-fixed')).toBe(true);
    expect(os.every((f) => f.layer?.index === 0)).toBe(true);
    expect(npm.find((f) => ids(f).includes('CVE-2020-8203'))).toMatchObject({
      package: { name: 'lodash', version: '4.17.15' }, fixedVersions: ['4.17.19'],
      layer: { index: 1, createdBy: 'COPY node_modules /srv/app' },
    });
    expect(npm.find((f) => ids(f).includes('CVE-2021-44906'))?.severity).toBe('critical');
    // Current bookworm packages: fixed glibc advisories must not appear.
    expect(os.some((f) => f.vulnerability.id === 'CVE-2023-4911')).toBe(false);
  });

  it('reports a fixed advisory again when dpkg says the old version is installed', async () => {
    const rootfs = await debootstrapBookworm();
    const status = await readFile(join(rootfs, 'var/lib/dpkg/status'), 'utf8');
    const old = status
      .replace(/(Package: libc6\n(?:[^\n]+\n)*?Version: )[^\n]+/, '$12.36-9+deb12u1');
    expect(old).not.toBe(status);
    const layout = join(temp.dir, 'old-glibc');
    const built = await buildImage(layout, { tag: 'old', layers: [
      { from: rootfs, createdBy: 'debootstrap --variant=minbase bookworm /' },
      { files: { 'var/lib/dpkg/status': old }, createdBy: 'RUN pin libc6 2.36-9+deb12u1' },
    ] });

    const { doc } = await scan([built.reference]);
    expect(doc.findings.find((f) => f.vulnerability.id === 'CVE-2023-4911')).toMatchObject({
      package: { name: 'libc6', version: '2.36-9+deb12u1', advisoryName: 'glibc' },
      fixedVersions: ['2.36-9+deb12u3'], fixState: 'fixed',
    });
  });

  it('gates on --fail-on and honours ignore files (until they expire) and VEX', async () => {
    const failed = await scan([image.reference, '--fail-on', 'critical']);
    expect(failed.code).toBe(1);
    expect(failed.doc.summary.failed).toBe(true);

    const critical = failed.doc.findings.filter((f) => f.severity === 'critical');
    const [first, ...rest] = critical;
    const ignore = join(temp.dir, 'ignore.yaml');
    await writeFile(ignore, `ignore:\n${rest.map((f) => `  - id: ${f.vulnerability.id}\n`
      + `    package: ${f.package.name}\n    expires: 2999-01-01\n`
      + '    reason: accepted risk\n').join('')}`
      + `  - id: ${first?.vulnerability.id}\n    expires: 2001-01-01\n    reason: old exception\n`);
    const vex = join(temp.dir, 'app.openvex.json');
    await writeFile(vex, JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      statements: [{
      vulnerability: { name: first?.vulnerability.id }, status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      products: [{ '@id': `pkg:npm/${first?.package.name}` }] }] }));

    const expired = await scan([image.reference, '--fail-on', 'critical', '--ignore-file', ignore]);
    expect(expired.code).toBe(1);
    expect(expired.doc.expiredIgnores.map((r) => r.id)).toEqual([first?.vulnerability.id]);

    const passed = await scan([image.reference, '--fail-on', 'critical', '--ignore-file', ignore,
      '--vex', vex]);
    expect(passed.code).toBe(0);
    expect(passed.doc.suppressed.find((f) => f.vulnerability.id === first?.vulnerability.id)
      ?.suppressed).toEqual({ by: 'vex', reason: 'vulnerable_code_not_in_execute_path' });
  });

  it('scans a saved inventory the same as the image', async () => {
    const sbom = join(temp.dir, 'app.moat.json');
    expect((await runMoat(['sbom', image.reference, '--format', 'json', '-o', sbom])).code).toBe(0);
    const fromImage = await scan([image.reference]);
    const fromSbom = await scan(['--sbom', sbom]);
    expect(fromSbom.doc.summary.findings).toBe(fromImage.doc.summary.findings);
  });

  it('exits 2 with a clear error when there is no database', async () => {
    const run = await runMoat(['scan', image.reference, '--cache-dir', join(temp.dir, 'none')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DB_MISSING.*moat db update/);
  });
});
