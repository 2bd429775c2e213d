// Finds containers started by containerd from its own state: each running task's bundle
// `<state>/io.containerd.runtime.v2.task/<namespace>/<id>/` holds the OCI runtime spec
// (`config.json`, with the CRI annotations when the kubelet created it), `init.pid` and the
// shim that runs it (`shim-binary-path`, `options.json`). When `ctr` answers on containerd's
// socket it adds what the state lacks for containers not made through CRI: the image each one
// was created from and that image's manifest digest. A socket that does not answer becomes a
// warning note and the state alone is reported.
import { posix } from 'node:path';
import type { AuditNote } from '../finding.js';
import type { ContainerIdentity } from './facts.js';
import type { RunCommand } from './podman.js';
import type { HostReader } from './reader.js';

export const CONTAINERD_STATE_DIRS = ['/run/containerd'];
export const CONTAINERD_ADDRESS = '/run/containerd/containerd.sock';

export interface ContainerdOptions {
  /** containerd `state` directories (its config's `state`), default /run/containerd. */
  stateDirs: string[];
  /** containerd's gRPC socket for `ctr`; undefined = state only. */
  address?: string;
  ctr?: string;
}

// Limitation: tasks of the gVisor (containerd-shim-runsc-v1) and Kata (containerd-shim-kata-v2)
// shims are recognised by their shim and judged as sandboxes, but neither shim is packaged for
// Debian 12, so what their `init.pid` names is not exercised by a test here.
const TASKS = 'io.containerd.runtime.v2.task';
const MAX_CONTAINERS = 10_000;
const CRI = 'io.kubernetes.cri.';
// Namespace and container IDs as containerd accepts them (identifiers.Validate).
const IDENTIFIER = /^[A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*$/;

function json(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = text === undefined ? undefined : JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string') {
        out[k] = v;
      }
    }
  }

  return out;
}

/**
 * The runtime type a shim binary implements, by containerd's naming rule
 * (`containerd-shim-runc-v2` ↔ `io.containerd.runc.v2`), and the OCI runtime it stands for.
 */
export function shimRuntime(
  shimPath: string,
  binaryName?: string,
): { type: string; runtime: string } {
  const base = posix.basename(shimPath.trim());
  const match = /^containerd-shim-([a-z0-9-]+?)-(v\d+)$/.exec(base);
  if (match === null) {
    return { type: base || 'unknown', runtime: 'unknown' };
  }

  const engine = match[1] as string;
  const type = `io.containerd.${engine}.${match[2] as string}`;
  if (engine === 'runc') {
    return { type, runtime: binaryName ? posix.basename(binaryName) : 'runc' };
  }

  return { type, runtime: engine.startsWith('kata') ? 'kata' : engine };
}

/** Parses `ctr containers ls` / `ctr images ls` tables: header, then space-separated columns. */
export function parseCtrTable(text: string): string[][] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length > 1 && cols[0] !== '');
}

interface Bundle {
  namespace: string;
  id: string;
  pid: number;
  annotations: Record<string, string>;
  shim: { type: string; runtime: string };
}

async function readBundle(
  reader: HostReader,
  dir: string,
  namespace: string,
  id: string,
): Promise<Bundle | undefined> {
  const pidText = (await reader.read(`${dir}/init.pid`))?.trim() ?? '';
  const pid = /^\d{1,10}$/.test(pidText) ? Number(pidText) : 0;
  // A bundle outlives its task until the task is deleted: only a live init process counts.
  if (pid <= 0 || (await reader.readlink(`/proc/${pid}/ns/pid`)) === undefined) {
    return undefined;
  }

  const spec = json(await reader.read(`${dir}/config.json`));
  const options = json(await reader.read(`${dir}/options.json`));
  const binary = typeof options?.binary_name === 'string' ? options.binary_name : undefined;
  return {
    namespace,
    id,
    pid,
    annotations: stringRecord(spec?.annotations),
    shim: shimRuntime((await reader.read(`${dir}/shim-binary-path`)) ?? '', binary),
  };
}

interface CtrData {
  /** `namespace/id` → image reference. */
  images: Map<string, string>;
  /** `namespace/reference` → manifest digest. */
  digests: Map<string, string>;
}

async function askCtr(
  run: RunCommand,
  options: ContainerdOptions,
  namespaces: string[],
  notes: AuditNote[],
): Promise<CtrData> {
  const data: CtrData = { images: new Map(), digests: new Map() };
  if (options.address === undefined) {
    return data;
  }

  const global = ['--address', options.address, '--connect-timeout', '3s', '--timeout', '20s'];
  for (const ns of namespaces) {
    const containers = await run(options.ctr ?? 'ctr', [...global, '-n', ns, 'containers', 'ls']);
    const images =
      containers.code === 0
        ? await run(options.ctr ?? 'ctr', [...global, '-n', ns, 'images', 'ls'])
        : containers;
    const failed = [containers, images].find((r) => r.code !== 0);
    if (failed !== undefined) {
      const why = failed.stderr.trim().split('\n')[0] || `exit ${failed.code}`;
      notes.push({
        level: 'warning',
        message:
          `containerd at ${options.address} did not answer (${why}); ` +
          'containerd containers reported from its state only',
      });
      return data;
    }

    for (const [id, image] of parseCtrTable(containers.stdout)) {
      if (id !== undefined && image !== undefined && image !== '-') {
        data.images.set(`${ns}/${id}`, image);
      }
    }

    for (const [ref, , digest] of parseCtrTable(images.stdout)) {
      if (ref !== undefined && digest !== undefined && /^sha256:[0-9a-f]{64}$/.test(digest)) {
        data.digests.set(`${ns}/${ref}`, digest);
      }
    }
  }

  return data;
}

function identity(bundle: Bundle, ctr: CtrData): ContainerIdentity {
  const a = bundle.annotations;
  const pod = a[`${CRI}sandbox-name`];
  const container = a[`${CRI}container-name`];
  const podNamespace = a[`${CRI}sandbox-namespace`];
  const image = a[`${CRI}image-name`] ?? ctr.images.get(`${bundle.namespace}/${bundle.id}`);
  const digest = image === undefined ? undefined : ctr.digests.get(`${bundle.namespace}/${image}`);
  const kubernetes =
    pod !== undefined && container !== undefined
      ? { namespace: podNamespace ?? 'default', pod, container }
      : undefined;
  return {
    id: bundle.id,
    name: kubernetes === undefined ? bundle.id : `${kubernetes.pod}/${kubernetes.container}`,
    pid: bundle.pid,
    runtime: bundle.shim.runtime,
    runtimeType: bundle.shim.type,
    namespace: kubernetes?.namespace ?? bundle.namespace,
    kubernetes,
    image,
    imageDigest: digest,
    labels: a,
    source: 'containerd',
  };
}

export async function discoverContainerd(
  reader: HostReader,
  run: RunCommand,
  options: ContainerdOptions,
  notes: AuditNote[],
): Promise<ContainerIdentity[]> {
  const bundles: Bundle[] = [];
  for (const state of options.stateDirs) {
    for (const namespace of (await reader.list(`${state}/${TASKS}`)).filter((n) =>
      IDENTIFIER.test(n),
    )) {
      const ids = (await reader.list(`${state}/${TASKS}/${namespace}`)).filter((n) =>
        IDENTIFIER.test(n),
      );
      for (const id of ids) {
        if (bundles.length >= MAX_CONTAINERS) {
          notes.push({
            level: 'warning',
            message: `more than ${MAX_CONTAINERS} containerd tasks; the rest are not judged`,
          });
          break;
        }

        const where = `${state}/${TASKS}/${namespace}/${id}`;
        const bundle = await readBundle(reader, where, namespace, id);
        if (bundle === undefined) {
          continue;
        }

        if (bundle.annotations[`${CRI}container-type`] === 'sandbox') {
          // Pod sandboxes ("pause") hold the pod's namespaces; their settings are the pod's,
          // judged through its containers.
          continue;
        }

        bundles.push(bundle);
      }
    }
  }

  if (bundles.length === 0) {
    return [];
  }

  const namespaces = [...new Set(bundles.map((b) => b.namespace))].sort();
  const ctr = await askCtr(run, options, namespaces, notes);
  return bundles.map((b) => identity(b, ctr));
}
