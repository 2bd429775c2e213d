// The fallback: containers recognised by their cgroup path (libpod-ID, docker-ID.scope,
// /docker/ID, cri-containerd-ID, crio-ID), for runtimes whose state Moat cannot read. The
// lowest PID of each container stands for it. Host processes have no such path and are skipped.
import type { ContainerIdentity } from './facts.js';
import type { HostReader } from './reader.js';

const CONTAINER_CGROUP =
  /(?:libpod-|docker[-/]|cri-containerd-|crio-)([0-9a-f]{64})(?:\.scope)?(?:\/|$)/;
const MAX_PROCESSES = 100_000;

export function containerIdFromCgroup(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const path = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
    if (path.includes('conmon')) {
      continue;
    }

    const match = CONTAINER_CGROUP.exec(path);
    if (match !== null) {
      return match[1];
    }
  }

  return undefined;
}

export async function discoverCgroups(
  reader: HostReader,
  known: Set<string>,
): Promise<ContainerIdentity[]> {
  const pids = (await reader.list('/proc'))
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b)
    .slice(0, MAX_PROCESSES);
  const found = new Map<string, ContainerIdentity>();
  for (const pid of pids) {
    const text = await reader.read(`/proc/${pid}/cgroup`);
    const id = text === undefined ? undefined : containerIdFromCgroup(text);
    if (id === undefined || known.has(id) || found.has(id)) {
      continue;
    }

    const cmdline = (await reader.read(`/proc/${pid}/cmdline`)) ?? '';
    const runtime = cmdline.startsWith('runsc') ? 'runsc' : 'unknown';
    found.set(id, { id, name: id.slice(0, 12), pid, runtime, labels: {}, source: 'cgroup' });
  }

  return [...found.values()];
}
