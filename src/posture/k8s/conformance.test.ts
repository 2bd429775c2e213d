// Replays every case of ../shared/conformance/k8s-misconfig (trivy-checks and kubescape rule
// tests) and requires Moat's verdict for the mapped controls to match theirs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load.js';
import type { Control } from '../catalog/control.js';
import { SHARED_DIR } from '../testing/paths.js';
import {
  auditManifests,
  DEFAULT_CDE_LABEL,
  DEFAULT_SANDBOX_RUNTIMES,
  type ManifestInput,
} from './audit.js';

const CASES_DIR = join(SHARED_DIR, 'conformance', 'k8s-misconfig');

/** Each upstream topic and the Moat controls that judge it. */
const TOPIC_CONTROLS: Record<string, string[]> = {
  privileged: ['MOAT-K8S-001'],
  hostPID: ['MOAT-K8S-002'],
  hostIPC: ['MOAT-K8S-003'],
  hostNetwork: ['MOAT-K8S-004'],
  'capabilities(SYS_ADMIN)': ['MOAT-K8S-006'],
  'capabilities(add)': ['MOAT-K8S-006'],
  capabilities: ['MOAT-K8S-006'],
  'capabilities(drop ALL)': ['MOAT-K8S-020'],
  'capabilities(NET_RAW)': ['MOAT-K8S-020'],
  hostPath: ['MOAT-K8S-007'],
  hostPort: ['MOAT-K8S-008'],
  apparmor: ['MOAT-K8S-010'],
  seccomp: ['MOAT-K8S-019'],
  'seccomp/apparmor/selinux/capabilities': ['MOAT-K8S-019'],
  allowPrivilegeEscalation: ['MOAT-K8S-016'],
  runAsNonRoot: ['MOAT-K8S-017'],
  readOnlyRootFilesystem: ['MOAT-K8S-030'],
  'resources.limits.memory': ['MOAT-K8S-031'],
  'resources.limits.cpu': ['MOAT-K8S-032'],
  'resources.requests.memory': ['MOAT-K8S-033'],
  'resources.requests.cpu': ['MOAT-K8S-034'],
  'image tag latest': ['MOAT-K8S-042'],
  'docker.sock': ['MOAT-K8S-043'],
  'runAsUser<=10000': ['MOAT-K8S-044'],
};

/** Upstream rules whose scope is wider than their topic name. */
const RULE_CONTROLS: Record<string, string[]> = {
  // kubescape counts SYS_ADMIN and other dangerous added capabilities as "privileged".
  'rule-privileged-container': ['MOAT-K8S-001', 'MOAT-K8S-006'],
};

/** Topics Moat does not judge, with the reason printed as a skipped test. */
const NOT_JUDGED: Record<string, string> = {};

/** Cases where Moat follows the Pod Security Standards against the upstream verdict. */
const DIFFERENCES: Record<string, { moat: 'pass' | 'fail'; reason: string }> = {
  'trivy-KSV-0003-good-1': {
    moat: 'fail',
    reason: 'PSS restricted requires the exact value ALL; Pod Security admission rejects `all`',
  },
  'trivy-KSV-0022-bad-1': {
    moat: 'pass',
    reason: 'PSS baseline and restricted both allow adding NET_BIND_SERVICE',
  },
};

interface Case {
  id: string;
  topic: string;
  rule: string;
  expected: 'pass' | 'fail';
}

function readCases(): Case[] {
  const lines = readFileSync(join(CASES_DIR, 'index.tsv'), 'utf8').split('\n');
  return lines
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [id = '', topic = '', rule = '', expected = ''] = line.split('\t');
      return { id, topic, rule, expected: expected as Case['expected'] };
    });
}

function readInputs(id: string): ManifestInput[] {
  const dir = join(CASES_DIR, id);
  const single = join(dir, 'input.yaml');
  if (existsSync(single)) {
    return [{ file: single, text: readFileSync(single, 'utf8') }];
  }

  // kubescape cases keep their manifests in input/ or, for a few, beside expected.json.
  const inputDir = existsSync(join(dir, 'input')) ? join(dir, 'input') : dir;
  return readdirSync(inputDir)
    .filter((name) => /\.(ya?ml|json)$/.test(name) && !/expected\.json$/.test(name))
    .map((name) => join(inputDir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

function controlsOf(c: Case): string[] | undefined {
  return RULE_CONTROLS[c.rule] ?? TOPIC_CONTROLS[c.topic];
}

const present = existsSync(join(CASES_DIR, 'index.tsv'));
if (!present) {
  console.log(`skipping k8s conformance: ${CASES_DIR} is missing`);
}

describe.skipIf(!present)('k8s-misconfig conformance', () => {
  let catalog: Map<string, Control>;
  beforeAll(async () => {
    catalog = await loadCatalog();
  });

  const cases = present ? readCases() : [];

  it('covers every case of the index', () => {
    expect(cases.length).toBeGreaterThan(100);
    for (const c of cases) {
      expect(controlsOf(c) ?? NOT_JUDGED[c.topic], c.topic).toBeDefined();
      expect(readInputs(c.id).length, c.id).toBeGreaterThan(0);
    }
  });

  for (const c of cases.filter((c) => NOT_JUDGED[c.topic] !== undefined)) {
    it.skip(`${c.id}: not judged by Moat: ${NOT_JUDGED[c.topic]}`, () => {});
  }

  it.each(cases.filter((c) => controlsOf(c) !== undefined))('$id ($topic) is a $expected', (c) => {
    const report = auditManifests(readInputs(c.id), {
      standard: 'moat',
      catalog,
      cdeLabel: DEFAULT_CDE_LABEL,
      sandboxRuntimes: DEFAULT_SANDBOX_RUNTIMES,
      allowedRegistries: [],
    });
    const controls = controlsOf(c) ?? [];
    const hits = report.findings.filter((f) => controls.includes(f.controlId));
    const verdict = hits.length > 0 ? 'fail' : 'pass';
    const difference = DIFFERENCES[c.id];
    expect(report.notes.filter((n) => n.level === 'error')).toEqual([]);
    if (difference !== undefined) {
      console.log(
        `${c.id}: Moat says ${difference.moat}, upstream ${c.expected}: ${difference.reason}`,
      );
      expect(verdict).toBe(difference.moat);
      return;
    }

    expect(verdict, JSON.stringify(hits.map((h) => h.message))).toBe(c.expected);
    const upstream = JSON.parse(readFileSync(join(CASES_DIR, c.id, 'expected.json'), 'utf8')) as {
      failed_objects?: string[];
    };
    if (upstream.failed_objects !== undefined) {
      const failed = new Set(hits.map((h) => `${h.subject.kind}/${h.subject.name}`));
      expect([...failed].sort()).toEqual([...new Set(upstream.failed_objects)].sort());
    }
  });
});
