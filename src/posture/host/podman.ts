// Asks podman for its running containers (`podman ps` and `podman inspect`, JSON output,
// argument arrays, never a shell). A podman that fails or does not answer in time becomes a
// warning note; the audit goes on with the other sources.
import { posix } from 'node:path';
import type { AuditNote } from '../finding.js';
import type { ContainerIdentity } from './facts.js';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with arguments (no shell); injected so tests and callers choose how. */
export type RunCommand = (file: string, args: string[]) => Promise<CommandResult>;

export interface PodmanOptions {
  binary: string;
  /** Global flags, e.g. `--root DIR --runroot DIR`. */
  globalArgs: string[];
}

interface PsEntry {
  Id?: string;
  Names?: string[];
  Pid?: number;
  Image?: string;
  State?: string;
  Labels?: Record<string, string> | null;
}

interface InspectEntry {
  Id?: string;
  OCIRuntime?: string;
  /** The reference the container was created from (`Image` is the image's ID). */
  ImageName?: string;
  ImageDigest?: string;
}

function parse<T>(text: string): T[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as T[]) : undefined;
  } catch {
    return undefined;
  }
}

export async function discoverPodman(
  run: RunCommand,
  options: PodmanOptions,
  notes: AuditNote[],
): Promise<ContainerIdentity[]> {
  const ps = await run(options.binary, [
    ...options.globalArgs,
    'ps',
    '--format',
    'json',
    '--no-trunc',
  ]);
  const entries = ps.code === 0 ? parse<PsEntry>(ps.stdout) : undefined;
  if (entries === undefined) {
    const why = ps.stderr.trim().split('\n')[0] || `exit ${ps.code}`;
    notes.push({
      level: 'warning',
      message: `podman ps failed (${why}); podman containers found only through runtime state`,
    });
    return [];
  }

  const running = entries.filter(
    (e) =>
      e.State === 'running' && typeof e.Id === 'string' && typeof e.Pid === 'number' && e.Pid > 0,
  );
  const runtimes = new Map<string, string>();
  const images = new Map<string, { name?: string; digest?: string }>();
  if (running.length > 0) {
    const inspect = await run(options.binary, [
      ...options.globalArgs,
      'inspect',
      '--type',
      'container',
      ...running.map((e) => e.Id as string),
    ]);
    for (const item of (inspect.code === 0 ? parse<InspectEntry>(inspect.stdout) : undefined) ??
      []) {
      if (item.Id !== undefined && item.OCIRuntime !== undefined) {
        runtimes.set(item.Id, posix.basename(item.OCIRuntime));
      }

      if (item.Id !== undefined) {
        images.set(item.Id, { name: item.ImageName, digest: item.ImageDigest });
      }
    }
  }

  return running.map((e) => ({
    id: e.Id as string,
    name: e.Names?.[0] ?? (e.Id as string).slice(0, 12),
    pid: e.Pid as number,
    runtime: runtimes.get(e.Id as string) ?? 'unknown',
    image: images.get(e.Id as string)?.name || e.Image,
    imageDigest: images.get(e.Id as string)?.digest || undefined,
    labels: e.Labels ?? {},
    source: 'podman',
  }));
}
