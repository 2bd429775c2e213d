// The parallel audit must print exactly the sequential report: same findings, notes and order,
// whatever the number of workers. Worker threads cannot load TypeScript, so both paths are
// taken from the build in dist/ (npm run build), the code `moat` runs.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { workloadManifest } from '../../bench/posture-manifests.js';
import type { Control } from '../catalog/control.js';
import { loadCatalog } from '../catalog/load.js';
import { renderJson } from '../report/json.js';
import { renderSarif } from '../report/sarif.js';
import type * as AuditModule from './audit.js';
import {
  DEFAULT_CDE_LABEL,
  DEFAULT_SANDBOX_RUNTIMES,
  type K8sAuditOptions,
  type ManifestInput,
} from './audit.js';
import type * as ParallelModule from './parallel.js';
import { defaultJobs, MAX_JOBS, parseOthersRunning } from './parallel.js';

const built = fileURLToPath(new URL('../../../dist/posture/k8s/', import.meta.url));
const noBuild = existsSync(`${built}audit-worker.js`) ? '' : 'no build in dist/; run npm run build';
if (noBuild !== '') {
  console.log(`skipping the parallel audit tests: ${noBuild}`);
}

let audit: typeof AuditModule;
let parallel: typeof ParallelModule;
let options: K8sAuditOptions;
beforeAll(async () => {
  options = {
    standard: 'moat',
    catalog: (await loadCatalog()) as Map<string, Control>,
    cdeLabel: DEFAULT_CDE_LABEL,
    sandboxRuntimes: DEFAULT_SANDBOX_RUNTIMES,
    allowedRegistries: ['registry.bank.example'],
  };
  if (noBuild === '') {
    audit = (await import(pathToFileURL(`${built}audit.js`).href)) as typeof audit;
    parallel = (await import(pathToFileURL(`${built}parallel.js`).href)) as typeof parallel;
  }
});

/** A directory's worth of inputs: multi-document files, a broken one, a CRD, an alias, JSON. */
function inputs(): ManifestInput[] {
  const files: ManifestInput[] = [];
  for (let f = 0; f < 12; f += 1) {
    const docs = Array.from({ length: 5 }, (_, i) => workloadManifest(f * 5 + i));
    files.push({ file: `deploy/team-${f % 3}/release-${f}.yaml`, text: docs.join('---\n') });
  }

  files.push(
    { file: 'deploy/broken.yaml', text: 'kind: Pod\nspec: [\n' },
    {
      file: 'deploy/crd.yaml',
      text: 'apiVersion: x.example/v1\nkind: Widget\nmetadata: {name: w}\n',
    },
    {
      file: 'deploy/alias.yaml',
      text: 'kind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - &c {name: c, image: x}\n',
    },
    {
      file: 'deploy/pod.json',
      text: JSON.stringify({
        kind: 'Pod',
        metadata: { name: 'j' },
        spec: { hostPID: true, containers: [{ name: 'c', image: 'app:1' }] },
      }),
    },
    // The same file twice: its findings from both readings interleave by line.
    { file: 'deploy/team-0/release-0.yaml', text: workloadManifest(99) },
  );
  return files;
}

describe.skipIf(noBuild !== '')('auditManifestsInParallel', () => {
  it('prints the sequential report byte for byte, with 2 and 3 workers', async () => {
    const sequential = audit.auditManifests(inputs(), options);
    expect(sequential.findings.length).toBeGreaterThan(500);
    expect(sequential.notes.some((n) => n.level === 'error')).toBe(true);
    const json = renderJson(sequential);
    const sarif = renderSarif(sequential, options.catalog, '1.0.0');
    for (const jobs of [2, 3]) {
      const run = await parallel.auditManifestsInParallel(inputs(), options, {
        jobs,
        minChars: 0,
      });
      expect(run.workers).toBe(jobs - 1);
      expect(renderJson(run.report)).toBe(json);
      expect(renderSarif(run.report, options.catalog, '1.0.0')).toBe(sarif);
    }
  });

  it('judges small inputs on the main thread with the same result', async () => {
    const small = inputs().slice(0, 2);
    const run = await parallel.auditManifestsInParallel(small, options, { jobs: 2 });
    expect(run.workers).toBe(0);
    expect(renderJson(run.report)).toBe(renderJson(audit.auditManifests(small, options)));
  });
});

describe('defaultJobs', () => {
  it('takes one thread per idle core, at least one and at most MAX_JOBS', () => {
    expect(defaultJobs(0)).toBe(Math.min(availableParallelism(), MAX_JOBS));
    expect(defaultJobs(undefined)).toBe(defaultJobs(0));
    expect(defaultJobs(availableParallelism())).toBe(1);
    expect(defaultJobs(1000)).toBe(1);
  });

  it.each([
    ['6.65 6.12 7.02 6/170 7946\n', 5],
    ['0.00 0.01 0.05 1/98 12\n', 0],
    ['garbage', undefined],
    ['', undefined],
  ])('reads the other runnable threads from /proc/loadavg %j', (text, others) => {
    expect(parseOthersRunning(text)).toBe(others);
  });
});
