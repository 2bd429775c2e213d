// The host audit's edge: finds running containers through podman, the runtimes' state
// directories and cgroup paths, then reads each one's /proc entries and cgroup limits.
import { execFile } from 'node:child_process';
import type { AuditNote } from '../finding.js';
import { discoverCgroups } from './cgroup-scan.js';
import { discoverContainerd, type ContainerdOptions } from './containerd.js';
import { discoverDockerApi } from './docker-api.js';
import type { ContainerIdentity, Reference } from './facts.js';
import { discoverPodman, type PodmanOptions, type RunCommand } from './podman.js';
import { readNamespaces, readProcess } from './process.js';
import { parseStatus } from './parse.js';
import type { HostObservation } from './audit.js';
import type { HostReader } from './reader.js';
import { discoverStateDirs } from './state-dirs.js';

export interface CollectOptions {
  reader: HostReader;
  run: RunCommand;
  podman?: PodmanOptions;
  /** Docker Engine API sockets (dockerd, podman's compatible service) to ask, when present. */
  dockerSockets?: string[];
  /** containerd's state directories and socket; undefined = containerd not asked. */
  containerd?: ContainerdOptions;
  /** Names or ID prefixes to audit; empty = every running container. */
  only: string[];
  cgroupRoot?: string;
}

export interface HostSnapshot {
  observations: HostObservation[];
  reference: Reference;
  notes: AuditNote[];
}

const COMMAND_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Runs a program without a shell, bounded in time and output size. */
export const runCommand: RunCommand = (file, args) =>
  new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: COMMAND_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({
          code,
          stdout: String(stdout),
          stderr: err !== null && stderr === '' ? err.message : String(stderr),
        });
      },
    );
  });

async function reference(reader: HostReader, notes: AuditNote[]): Promise<Reference> {
  let namespaces = await readNamespaces(reader, 1);
  let status = parseStatus((await reader.read('/proc/1/status')) ?? '');
  if (namespaces.pid === undefined) {
    notes.push({
      level: 'info',
      message: "PID 1's namespaces are unreadable; comparing with Moat's own",
    });
    namespaces = await readNamespaces(reader, 'self');
    status = status ?? parseStatus((await reader.read('/proc/self/status')) ?? '');
  }

  return { namespaces, capBnd: status?.capBnd ?? 0n };
}

function matches(container: ContainerIdentity, wanted: string): boolean {
  return container.name === wanted || (wanted.length >= 3 && container.id.startsWith(wanted));
}

export async function collectHost(options: CollectOptions): Promise<HostSnapshot> {
  const notes: AuditNote[] = [];
  const { reader } = options;
  const byId = new Map<string, ContainerIdentity>();
  const sources = [
    options.podman === undefined ? [] : await discoverPodman(options.run, options.podman, notes),
  ];
  for (const socket of options.dockerSockets ?? []) {
    sources.push(await discoverDockerApi(socket, notes));
  }

  if (options.containerd !== undefined) {
    sources.push(await discoverContainerd(reader, options.run, options.containerd, notes));
  }

  sources.push(await discoverStateDirs(reader, notes));
  for (const container of sources.flat()) {
    if (!byId.has(container.id)) {
      byId.set(container.id, container);
    }
  }

  for (const container of await discoverCgroups(reader, new Set(byId.keys()))) {
    byId.set(container.id, container);
  }

  let containers = [...byId.values()];
  if (options.only.length > 0) {
    for (const wanted of options.only.filter((w) => !containers.some((c) => matches(c, w)))) {
      notes.push({ level: 'error', message: `no running container named or with ID ${wanted}` });
    }

    containers = containers.filter((c) => options.only.some((w) => matches(c, w)));
  }

  const observations: HostObservation[] = [];
  for (const container of containers.sort((a, b) => a.name.localeCompare(b.name))) {
    observations.push({
      container,
      process: await readProcess(reader, container.pid, options.cgroupRoot),
    });
  }

  return { observations, reference: await reference(reader, notes), notes };
}
