import { beforeAll, describe, expect, it } from 'vitest';
import type { Control } from '../catalog/control.js';
import { loadCatalog } from '../catalog/load.js';
import type { Standard } from '../standards.js';
import { auditCompose, DEFAULT_COMPOSE_CDE_LABEL, DEFAULT_OCI_SANDBOXES } from './audit.js';

let catalog: Map<string, Control>;
beforeAll(async () => {
  catalog = await loadCatalog();
});

const DIGEST = `sha256:${'b'.repeat(64)}`;

const LOCKED = `name: pay
services:
  api:
    image: registry.bank.example/api@${DIGEST}
    user: "10001:10001"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    mem_limit: 256m
    cpus: 0.5
    pids_limit: 100
    volumes: [data:/var/lib/api, "./config:/etc/api:ro"]
    labels: {moat.dev/cardholder-data: "true"}
    runtime: runsc
`;

const RISKY = `services:
  worker:
    image: busybox:latest
    privileged: true
    pid: host
    ipc: host
    network_mode: host
    uts: host
    cgroup: host
    userns_mode: host
    cap_add: [sys_admin, CAP_NET_BIND_SERVICE]
    security_opt:
      - seccomp=unconfined
      - apparmor:unconfined
      - label=disable
    devices: ["/dev/sda:/dev/sda"]
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - type: bind
        source: /etc
        target: /host-etc
`;

function audit(text: string, standard: Standard = 'moat') {
  return auditCompose([{ file: 'compose.yaml', text }], {
    standard,
    catalog,
    cdeLabel: DEFAULT_COMPOSE_CDE_LABEL,
    sandboxRuntimes: DEFAULT_OCI_SANDBOXES,
  });
}

describe('auditCompose', () => {
  it('passes a locked-down cardholder-data service', () => {
    const report = audit(LOCKED);
    expect(report.findings).toEqual([]);
    expect(report.subjects).toBe(1);
  });

  it('reports every risky setting with its field and line', () => {
    const byLineThenId = (a: unknown[], b: unknown[]): number =>
      Number(a[2]) - Number(b[2]) || String(a[0]).localeCompare(String(b[0]));
    const found = audit(RISKY).findings.map((f) => [f.controlId, f.path, f.line]);
    expect(found.sort(byLineThenId)).toEqual(
      [
        ['MOAT-CTR-001', 'services.worker.privileged', 4],
        ['MOAT-CTR-002', 'services.worker.pid', 5],
        ['MOAT-CTR-003', 'services.worker.ipc', 6],
        ['MOAT-CTR-004', 'services.worker.network_mode', 7],
        ['MOAT-CTR-019', 'services.worker.uts', 8],
        ['MOAT-CTR-022', 'services.worker.cgroup', 9],
        ['MOAT-CTR-017', 'services.worker.userns_mode', 10],
        ['MOAT-CTR-005', 'services.worker.cap_add', 11],
        ['MOAT-CTR-007', 'services.worker.security_opt[0]', 13],
        ['MOAT-CTR-015', 'services.worker.security_opt[1]', 14],
        ['MOAT-CTR-016', 'services.worker.security_opt[2]', 15],
        ['MOAT-CTR-020', 'services.worker.devices', 16],
        ['MOAT-CTR-014', 'services.worker.volumes[0]', 18],
        ['MOAT-CTR-014', 'services.worker.volumes[1]', 19],
        ['MOAT-CTR-006', 'services.worker.cap_drop', 2],
        ['MOAT-CTR-008', 'services.worker.security_opt', 12],
        ['MOAT-CTR-009', 'services.worker.user', 2],
        ['MOAT-CTR-010', 'services.worker.read_only', 2],
        ['MOAT-CTR-011', 'services.worker.mem_limit', 2],
        ['MOAT-CTR-012', 'services.worker.cpus', 2],
        ['MOAT-CTR-013', 'services.worker.pids_limit', 2],
        ['MOAT-CTR-021', 'services.worker.image', 3],
      ].sort(byLineThenId),
    );
  });

  it('names the capabilities beyond the default set only', () => {
    const finding = audit(RISKY).findings.find((f) => f.controlId === 'MOAT-CTR-005');
    expect(finding?.message).toBe('service worker holds SYS_ADMIN');
  });

  it('selects only the PSS-equivalent controls for pss-baseline', () => {
    const ids = new Set(audit(RISKY, 'pss-baseline').findings.map((f) => f.controlId));
    expect([...ids].sort()).toEqual([
      'MOAT-CTR-001',
      'MOAT-CTR-002',
      'MOAT-CTR-003',
      'MOAT-CTR-004',
      'MOAT-CTR-005',
      'MOAT-CTR-007',
      'MOAT-CTR-014',
      'MOAT-CTR-015',
      'MOAT-CTR-016',
    ]);
  });

  it.each([
    [
      'deploy limits',
      'mem_limit: 256m\n    cpus: 0.5\n    pids_limit: 100',
      'deploy: {resources: {limits: {memory: 256m, cpus: "0.5", pids: 100}}}',
      [],
    ],
    ['unlimited pids', 'pids_limit: 100', 'pids_limit: -1', ['MOAT-CTR-013']],
    ['root user', 'user: "10001:10001"', 'user: root', ['MOAT-CTR-009']],
    ['no-new-privileges bare', '"no-new-privileges:true"', '"no-new-privileges"', []],
    [
      'no-new-privileges false',
      '"no-new-privileges:true"',
      '"no-new-privileges:false"',
      ['MOAT-CTR-008'],
    ],
    ['default runtime for cardholder data', 'runtime: runsc', 'runtime: runc', ['MOAT-CTR-018']],
    ['a tag', `@${DIGEST}`, ':1.0', ['MOAT-CTR-021']],
  ])('judges %s', (_name, from, to, expected) => {
    expect(audit(LOCKED.replace(from, to)).findings.map((f) => f.controlId)).toEqual(expected);
  });

  it('skips malformed services and non-Compose documents with notes', () => {
    const report = audit('services:\n  a: 5\n---\nkind: Pod\n');
    expect(report.subjects).toBe(0);
    expect(report.notes.map((n) => n.message)).toEqual([
      'service a is not a mapping; skipped',
      'no services; not a Compose file',
    ]);
  });
});
