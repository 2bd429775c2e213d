// Finds containers from the OCI runtimes' own state: runc's `<root>/<id>/state.json` (podman,
// Docker, containerd all keep one) and runsc's `<root>/<sandbox>:<id>.state`. Pure parsing over
// an injected reader; unreadable or malformed entries are skipped.
import type { AuditNote } from '../finding.js';
import type { ContainerIdentity } from './facts.js';
import type { HostReader } from './reader.js';

export const RUNC_ROOTS = [
  '/run/runc',
  '/run/docker/runtime-runc/moby',
  '/run/containerd/runc/k8s.io',
  '/run/containerd/runc/default',
];
export const RUNSC_ROOTS = ['/run/runsc', '/run/containerd/runsc/k8s.io'];

function labelsOf(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of Array.isArray(list) ? list : []) {
    const [key = '', ...rest] = String(entry).split('=');
    out[key] = rest.join('=');
  }

  return out;
}

function json(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = text === undefined ? undefined : JSON.parse(text);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function discoverStateDirs(
  reader: HostReader,
  notes: AuditNote[],
  runcRoots = RUNC_ROOTS,
  runscRoots = RUNSC_ROOTS,
): Promise<ContainerIdentity[]> {
  const found: ContainerIdentity[] = [];
  for (const root of runcRoots) {
    for (const id of await reader.list(root)) {
      const state = json(await reader.read(`${root}/${id}/state.json`));
      const pid = state?.init_process_pid;
      if (typeof pid !== 'number') {
        notes.push({
          level: 'warning',
          file: `${root}/${id}/state.json`,
          message: 'runc state unreadable; skipped',
        });
        continue;
      }

      const config = state?.config as { labels?: unknown } | undefined;
      found.push({
        id,
        name: id.slice(0, 12),
        pid,
        runtime: 'runc',
        labels: labelsOf(config?.labels),
        source: 'runc-state',
      });
    }
  }

  for (const root of runscRoots) {
    for (const name of (await reader.list(root)).filter((n) => n.endsWith('.state'))) {
      const state = json(await reader.read(`${root}/${name}`));
      const sandbox = state?.sandbox as { pid?: unknown } | undefined;
      const id = state?.id;
      if (
        typeof id !== 'string' ||
        typeof sandbox?.pid !== 'number' ||
        state?.status !== 'running'
      ) {
        continue;
      }

      const spec = state?.spec as { annotations?: Record<string, string> } | undefined;
      found.push({
        id,
        name: id.slice(0, 12),
        pid: sandbox.pid,
        runtime: 'runsc',
        labels: spec?.annotations ?? {},
        source: 'runsc-state',
      });
    }
  }

  return found;
}
