// Lists running containers through the Docker Engine API on a unix socket (dockerd, or podman's
// Docker-compatible service): GET /containers/json, then /containers/ID/json for the PID, the
// runtime and labels. A socket that refuses, fails or does not answer in time becomes a
// warning note. Responses are size-limited.
import { request } from 'node:http';
import type { AuditNote } from '../finding.js';
import { splitImage } from '../image-ref.js';
import type { ContainerIdentity } from './facts.js';

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const MAX_CONTAINERS = 10_000;

export const DEFAULT_DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/podman/podman.sock'];

function getJson(socketPath: string, path: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', headers: { Host: 'docker' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          req.destroy(new Error('response too large'));
          return;
        }

        chunks.push(chunk);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) {
          reject(new Error(`HTTP ${res.statusCode ?? '?'} for ${path}`));
          return;
        }

        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

interface Summary {
  Id?: string;
}

interface Detail {
  Id?: string;
  Name?: string;
  /** The image's ID (its config digest), not the reference it was created from. */
  Image?: string;
  State?: { Pid?: number; Running?: boolean };
  HostConfig?: { Runtime?: string };
  Config?: { Labels?: Record<string, string> | null; Image?: string };
  OCIRuntime?: string;
}

/**
 * The manifest digest of the container's image, from the image's `RepoDigests` entry for the
 * repository the container names (the API records only the image ID on the container). An
 * image that is gone or unreadable has none; that is a note, not a failure.
 */
async function repoDigest(
  socketPath: string,
  imageId: string | undefined,
  reference: string | undefined,
  timeoutMs: number,
  notes: AuditNote[],
): Promise<string | undefined> {
  if (imageId === undefined || !/^(?:sha256:)?[0-9a-f]{64}$/.test(imageId)) {
    return undefined;
  }

  try {
    const image = (await getJson(socketPath, `/images/${imageId}/json`, timeoutMs)) as {
      RepoDigests?: unknown;
    };
    const digests = Array.isArray(image.RepoDigests) ? image.RepoDigests.map(String) : [];
    const name = (ref: string): string => {
      const parts = splitImage(ref);
      return `${parts.registry}/${parts.repository}`;
    };
    const wanted = reference === undefined ? undefined : name(reference);
    const match =
      digests.find((d) => name(d) === wanted) ?? (digests.length === 1 ? digests[0] : undefined);
    return match === undefined ? undefined : splitImage(match).digest;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    notes.push({
      level: 'info',
      message: `image ${imageId} not readable at ${socketPath} (${why}); no digest shown`,
    });
    return undefined;
  }
}

export async function discoverDockerApi(
  socketPath: string,
  notes: AuditNote[],
  timeoutMs = 10_000,
): Promise<ContainerIdentity[]> {
  try {
    const list = await getJson(socketPath, '/containers/json', timeoutMs);
    const ids = (Array.isArray(list) ? (list as Summary[]) : [])
      .map((c) => c.Id)
      .filter((id): id is string => typeof id === 'string' && /^[0-9a-f]{12,64}$/.test(id))
      .slice(0, MAX_CONTAINERS);
    const found: ContainerIdentity[] = [];
    for (const id of ids) {
      const detail = (await getJson(socketPath, `/containers/${id}/json`, timeoutMs)) as Detail;
      const pid = detail.State?.Pid;
      if (detail.State?.Running !== true || typeof pid !== 'number' || pid <= 0) {
        continue;
      }

      const runtime = detail.OCIRuntime ?? detail.HostConfig?.Runtime ?? 'unknown';
      const image = detail.Config?.Image;
      const digest = await repoDigest(socketPath, detail.Image, image, timeoutMs, notes);
      found.push({
        id: detail.Id ?? id,
        name: (detail.Name ?? id.slice(0, 12)).replace(/^\//, ''),
        pid,
        runtime: runtime.split('/').pop() ?? runtime,
        image,
        imageDigest: digest,
        labels: detail.Config?.Labels ?? {},
        source: `docker-api ${socketPath}`,
      });
    }

    return found;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    notes.push({
      level: 'warning',
      message: `container API at ${socketPath} failed (${why}); skipped`,
    });
    return [];
  }
}
