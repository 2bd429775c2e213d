// Splits an image reference into registry, repository, tag and digest with Docker's
// normalisation (`busybox` is `docker.io/library/busybox`). Posture checks only need these parts.
// Limitation: no full grammar validation; a malformed reference is judged by its parts as read.

export interface ImageParts {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export function splitImage(reference: string): ImageParts {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }

  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === 'docker.io' && !repository.includes('/')) {
    repository = `library/${repository}`;
  }

  return { registry, repository, tag, digest };
}

/** True when the reference names content by a well-formed digest. */
export function isDigestPinned(reference: string): boolean {
  const { digest } = splitImage(reference);
  return digest !== undefined && DIGEST.test(digest);
}

/** True when the image comes from one of `allowed` (a registry, or a registry/path prefix). */
export function isAllowedRegistry(reference: string, allowed: string[]): boolean {
  const { registry, repository } = splitImage(reference);
  const full = `${registry}/${repository}`;
  return allowed.some((entry) => {
    const prefix = entry.replace(/\/+$/, '');
    return registry === prefix || full === prefix || full.startsWith(`${prefix}/`);
  });
}
