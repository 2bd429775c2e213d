// Registry references per the distribution reference grammar
// (github.com/distribution/reference, reference.go): `[domain/]path[:tag][@digest]`.
// Written by hand because the grammar is small and the normalisation rules (Docker Hub,
// `library/`) must match Docker's exactly; no maintained npm package covers both.
import { ImageError } from '../errors.js';

export interface RegistryReference {
  /** Host (and port) the distribution API is served on: `registry-1.docker.io`, `[::1]:5000`. */
  registry: string;
  /** Repository path in the registry: `library/alpine`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', DOCKER_HUB]);
const MAX_NAME_LENGTH = 255;
const MAX_REFERENCE_LENGTH = 4096;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_RE = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`,
);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^\w[\w.-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const KNOWN_DIGEST_HEX: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};

/** Default tag when a reference names neither a tag nor a digest. */
export const DEFAULT_TAG = 'latest';

/**
 * Parses `docker://HOST/REPO:TAG`, `HOST/REPO@sha256:…` or a bare Docker Hub name.
 * @throws ImageError `INVALID_REFERENCE` naming the part that is wrong.
 */
export function parseRegistryReference(input: string): RegistryReference {
  const text = input.startsWith('docker://') ? input.slice('docker://'.length) : input;
  if (text.length === 0 || text.length > MAX_REFERENCE_LENGTH) {
    throw invalid(input, 'it is empty or too long');
  }

  const at = text.indexOf('@');
  const beforeDigest = at === -1 ? text : text.slice(0, at);
  const digest = at === -1 ? undefined : parseDigest(input, text.slice(at + 1));

  // A tag is the text after the last ':' unless that ':' is part of the domain (a port).
  const lastColon = beforeDigest.lastIndexOf(':');
  const hasTag = lastColon > beforeDigest.lastIndexOf('/');
  const name = hasTag ? beforeDigest.slice(0, lastColon) : beforeDigest;
  const tag = hasTag ? beforeDigest.slice(lastColon + 1) : undefined;
  if (tag !== undefined && !TAG_RE.test(tag)) {
    throw invalid(input, `tag "${tag}" must be 1-128 of [A-Za-z0-9_.-] and not start with . or -`);
  }

  const { registry, repository } = splitName(input, name);
  const result: RegistryReference = { registry, repository };
  if (tag !== undefined) {
    result.tag = tag;
  }

  if (digest !== undefined) {
    result.digest = digest;
  }

  if (tag === undefined && digest === undefined) {
    result.tag = DEFAULT_TAG;
  }

  return result;
}

/** Formats a reference back to `host/repo:tag@digest` for messages. */
export function formatRegistryReference(ref: RegistryReference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

/** True for any of Docker Hub's names, whose credentials are stored under several keys. */
export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_ALIASES.has(registry);
}

// Limitation: unqualified names always mean Docker Hub, as in Docker; registries.conf
// `unqualified-search-registries`, aliases and mirrors are not consulted.
// Domain detection follows Docker's splitDockerDomain: the first component is a host only
// when it contains '.' or ':', is `localhost`, or has upper-case letters (never a path).
function splitName(input: string, name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const isDomain =
    slash !== -1 &&
    (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());

  let registry = isDomain ? first : DOCKER_HUB;
  let repository = isDomain ? name.slice(slash + 1) : name;
  if (isDomain && !DOMAIN_RE.test(registry)) {
    throw invalid(input, `"${registry}" is not a valid registry host[:port]`);
  }

  if (DOCKER_HUB_ALIASES.has(registry)) {
    registry = DOCKER_HUB;
    if (!repository.includes('/')) {
      repository = `library/${repository}`;
    }
  }

  checkRepository(input, repository);
  const fullLength = isDomain ? name.length : repository.length;
  if (fullLength > MAX_NAME_LENGTH) {
    throw invalid(input, `the name is longer than ${MAX_NAME_LENGTH} characters`);
  }

  return { registry, repository };
}

function checkRepository(input: string, repository: string): void {
  if (repository.length === 0) {
    throw invalid(input, 'the repository name is missing');
  }

  for (const component of repository.split('/')) {
    if (PATH_COMPONENT_RE.test(component)) {
      continue;
    }

    if (PATH_COMPONENT_RE.test(component.toLowerCase())) {
      throw invalid(input, `repository names must be lower-case ("${component}")`);
    }

    throw invalid(input, `"${component}" is not a valid repository path component`);
  }
}

function parseDigest(input: string, digest: string): string {
  if (!DIGEST_RE.test(digest)) {
    throw invalid(input, `"${digest}" is not a digest (algorithm:hex)`);
  }

  const [algorithm = '', hex = ''] = digest.split(':');
  const pattern = KNOWN_DIGEST_HEX[algorithm];
  if (pattern === undefined) {
    throw invalid(input, `digest algorithm "${algorithm}" is not supported (use sha256 or sha512)`);
  }

  if (!pattern.test(hex)) {
    throw invalid(input, `the ${algorithm} digest must be lower-case hex of the right length`);
  }

  return digest;
}

function invalid(input: string, why: string): ImageError {
  return new ImageError(
    'INVALID_REFERENCE',
    `invalid image reference "${input.slice(0, 300)}": ${why}`,
  );
}
