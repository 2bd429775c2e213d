import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeManifestTree } from '../../bench/posture-manifests.js';
import { runMoat } from '../../posture/testing/cli.js';
import { makeTempDir } from '../../testing/requirements.js';

const GOOD = `apiVersion: v1
kind: Pod
metadata: {name: ok}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: app
      image: app:1
      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;
const BAD_JSON = `{"kind": "Pod", "metadata": {"name": "j"},
  "spec": {"hostPID": true, "containers": [{"name": "c", "image": "app:1"}]}}`;
const BAD = GOOD.replace('metadata: {name: ok}', 'metadata: {name: bad}').replace(
  'spec:\n',
  'spec:\n  hostPID: true\n',
);

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('audit-cli'));
  await mkdir(join(dir, 'deploy', 'nested'), { recursive: true });
  await writeFile(join(dir, 'deploy', 'good.yaml'), GOOD);
  await writeFile(join(dir, 'deploy', 'nested', 'bad.yml'), BAD);
  await writeFile(join(dir, 'deploy', 'README.md'), '# not a manifest');
  await writeFile(join(dir, 'broken.yaml'), 'kind: Pod\nspec: [\n');
});
afterAll(() => cleanup());

describe('moat audit k8s', () => {
  it('exits 0 when everything meets the standard', async () => {
    const run = await runMoat([
      'audit',
      'k8s',
      join(dir, 'deploy', 'good.yaml'),
      '--standard',
      'pss-restricted',
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^PASS: 1 kubernetes object\(s\) meet pss-restricted/);
    expect(run.code).toBe(0);
  });

  it('exits 1 with findings, reading directories recursively', async () => {
    const run = await runMoat([
      'audit',
      'k8s',
      join(dir, 'deploy'),
      '--standard',
      'pss-baseline',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.subjects).toBe(2);
    expect(report.findings).toEqual([
      expect.objectContaining({ controlId: 'MOAT-K8S-002', path: 'spec.hostPID', line: 5 }),
    ]);
  });

  it('reads standard input', async () => {
    const run = await runMoat(
      ['audit', 'k8s', '-', '--standard', 'pss-baseline', '--format', 'sarif'],
      BAD,
    );
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('stdin');
  });

  it('exits 2 on invalid YAML and names the file and line, keeping the other results', async () => {
    const run = await runMoat(['audit', 'k8s', join(dir, 'broken.yaml'), join(dir, 'deploy')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      `error: ${join(dir, 'broken.yaml')}:3: invalid YAML: Flow sequence`,
    );
    expect(run.stdout).toContain('MOAT-K8S-002');
    expect(run.stderr).toMatch(/AUDIT_INCOMPLETE/);
  });

  it('warns when the input holds no workloads', async () => {
    const run = await runMoat(['audit', 'k8s', '-'], '');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('warning: nothing to judge: no kubernetes objects found');
  });

  it('exits 2 for a path that does not exist', async () => {
    const run = await runMoat(['audit', 'k8s', join(dir, 'missing.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('cannot read: ENOENT');
  });

  it.each([
    [['--standard', 'strict'], /unknown standard strict/],
    [['--format', 'xml'], /unknown format xml/],
    [['--cde-label', 'novalue'], /use KEY=VALUE/],
  ])('rejects bad flags %j with exit 2', async (flags, message) => {
    const run = await runMoat(['audit', 'k8s', join(dir, 'deploy'), ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

// Worker threads load the compiled code, so this drives the built launcher, as a user runs it.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const built = existsSync(join(root, 'dist', 'posture', 'k8s', 'audit-worker.js'));
if (!built) {
  console.log('skipping moat audit k8s --jobs: run `npm run build` first (npm test does)');
}

describe.skipIf(!built)('moat audit k8s --jobs', () => {
  let tree: string;
  beforeAll(async () => {
    // Over the 2 MiB below which the main thread judges alone, with inputs of every kind.
    tree = join(dir, 'tree');
    await writeManifestTree(join(tree, 'apps'), 640, 32);
    await writeFile(join(tree, 'broken.yaml'), 'kind: Pod\nspec: [\n');
    await writeFile(join(tree, 'crd.yaml'), 'apiVersion: x.example/v1\nkind: Widget\n');
    await writeFile(join(tree, 'empty.yml'), '');
    await writeFile(join(tree, 'pod.json'), JSON.stringify(JSON.parse(BAD_JSON)));
  });

  function audit(jobs: string, format: string): { code: number | null; out: string; log: string } {
    const args = ['bin/moat', 'audit', 'k8s', tree, join(dir, 'deploy'), '--format', format];
    const run = spawnSync(process.execPath, [...args, '--jobs', jobs], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, MOAT_LOG_LEVEL: 'debug' },
      maxBuffer: 256 * 1024 * 1024,
    });
    return { code: run.status, out: run.stdout, log: run.stderr };
  }

  it.each(['json', 'sarif', 'table'])('prints the same %s report with 1 and 3 workers', (f) => {
    const one = audit('1', f);
    const three = audit('3', f);
    expect(one.log).toContain('"workers":0');
    expect(three.log).toContain('"workers":2');
    expect(one.code).toBe(2);
    expect(three.code).toBe(2);
    expect(one.out.length).toBeGreaterThan(100_000);
    expect(three.out === one.out).toBe(true);
  });

  it('rejects a job count that is not a whole number from 1 to 64', async () => {
    for (const jobs of ['0', '65', '1.5', 'many']) {
      const run = await runMoat(['audit', 'k8s', join(dir, 'deploy'), '--jobs', jobs]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/whole number from 1 to 64/);
    }
  });
});

describe('moat audit controls', () => {
  it('lists the catalog as JSON with standards references', async () => {
    const run = await runMoat(['audit', 'controls', '--format', 'json']);
    expect(run.code).toBe(0);
    const { controls, pssVersion } = JSON.parse(run.stdout);
    expect(pssVersion).toBe('v1.34');
    expect(
      controls.find((c: { id: string }) => c.id === 'MOAT-K8S-001').references.cisKubernetes,
    ).toEqual(['5.2.2']);
  });

  it('lists the catalog as a table', async () => {
    const run = await runMoat(['audit', 'controls']);
    expect(run.stdout).toMatch(
      /MOAT-K8S-001 {2}critical {2}kubernetes {2}Privileged containers {2}\[PSS baseline\]/,
    );
  });
});

describe('moat audit compose', () => {
  it('exits 1 on a privileged service and 0 once it is fixed', async () => {
    const bad = join(dir, 'compose.yaml');
    await writeFile(bad, 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n');
    const run = await runMoat(['audit', 'compose', bad, '--standard', 'pss-baseline']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`CRITICAL  MOAT-CTR-001  service web  ${bad}:4`);
    await writeFile(bad, 'services:\n  web:\n    image: nginx:1.27\n');
    expect((await runMoat(['audit', 'compose', bad, '--standard', 'pss-baseline'])).code).toBe(0);
  });
});

describe('moat audit dockerfile', () => {
  it('exits 1 on findings and refuses the PSS standards', async () => {
    const file = join(dir, 'Dockerfile');
    await writeFile(file, 'FROM debian\nRUN apt-get update\n');
    const run = await runMoat(['audit', 'dockerfile', file, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(
      JSON.parse(run.stdout).findings.map((f: { controlId: string }) => f.controlId),
    ).toContain('MOAT-IMG-001');
    const pss = await runMoat(['audit', 'dockerfile', file, '--standard', 'pss-baseline']);
    expect(pss.code).toBe(2);
    expect(pss.stderr).toMatch(/use --standard moat/);
  });
});
