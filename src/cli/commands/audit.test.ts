import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
