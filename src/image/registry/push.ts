// Reads and writes one repository for publishing small artifacts (signatures, attestations):
// manifests and blobs by tag or digest, monolithic blob upload (POST then PUT, distribution
// spec "Pushing blobs"), manifest PUT, and the referrers API ("Listing referrers").
import { digestOf } from '../digest.js';
import { ImageError } from '../errors.js';
import { resolveLimits } from '../limits.js';
import { MediaType } from '../media-types.js';
import type { Descriptor } from '../types.js';
import type { Authorizer } from './auth.js';
import { readLimited } from './body.js';
import type { RepositoryClient } from './client.js';
import { connectRepository } from './connect.js';
import { registryBaseUrl } from './endpoint.js';
import { RegistryError } from './errors.js';
import { fetchManifest, fetchSmallBlob, type FetchedManifest } from './manifest-fetch.js';
import {
  formatRegistryReference,
  isDockerHub,
  parseRegistryReference,
  type RegistryReference,
} from './reference.js';
import { errorForReply } from './response-errors.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

export interface RegistryWriterOptions {
  /** Talk plain HTTP to a non-loopback registry. */
  insecure?: boolean;
  authFile?: string;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

// Registries without the referrers endpoint answer 404, or 400/405/501 for an unknown route.
const NO_REFERRERS_API = [400, 404, 405, 501];
/** Largest referrers index read. */
const MAX_REFERRERS_BYTES = 4 * 1024 * 1024;

export class RegistryWriter {
  readonly reference: RegistryReference;
  /** `host/repo`, the repository's full name. */
  readonly repositoryName: string;
  private readonly base: URL;
  private readonly pushScope: string;

  constructor(
    reference: RegistryReference,
    private readonly reader: RepositoryClient,
    private readonly transport: Transport,
    private readonly authorizer: Authorizer,
    insecure: boolean,
  ) {
    this.reference = reference;
    // cosign names Docker Hub repositories `index.docker.io/…` in payloads.
    const host = isDockerHub(reference.registry) ? 'index.docker.io' : reference.registry;
    this.repositoryName = `${host}/${reference.repository}`;
    this.base = registryBaseUrl(reference.registry, insecure);
    this.pushScope = `repository:${reference.repository}:pull,push`;
  }

  /**
   * The manifest a tag or digest names, verified, or undefined when the registry has none.
   * @throws RegistryError, ImageError (DIGEST_MISMATCH, LIMIT_EXCEEDED).
   */
  async getManifest(ref: { tag?: string; digest?: string }): Promise<FetchedManifest | undefined> {
    const what = `manifest ${ref.digest ?? ref.tag ?? ''} of ${this.repositoryName}`;
    try {
      return await fetchManifest(this.reader, ref, resolveLimits().maxManifestBytes, what);
    } catch (err) {
      if (err instanceof ImageError && err.code === 'NOT_FOUND') {
        return undefined;
      }

      throw err;
    }
  }

  /** Reads a small blob whole; the caller checks its digest. */
  getBlob(desc: Descriptor, maxBytes: number): Promise<Buffer> {
    return fetchSmallBlob(this.reader, desc, maxBytes, `blob ${desc.digest}`);
  }

  /**
   * Uploads `bytes` unless the registry has them already; returns their descriptor.
   * @throws RegistryError when the registry refuses the upload.
   */
  async pushBlob(bytes: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = digestOf(bytes);
    const desc = { mediaType, digest, size: bytes.length };
    const head = await this.send('HEAD', `blobs/${digest}`, `blob ${digest}`, {}, undefined, [404]);
    if (head !== undefined) {
      return desc;
    }

    const started = await this.send('POST', 'blobs/uploads/', `upload to ${this.repositoryName}`);
    const location = started?.response.headers.get('location');
    if (location === null || location === undefined) {
      throw new RegistryError('PROTOCOL_ERROR', `${this.repositoryName} started an upload ` +
        'without a Location header; the registry does not follow the distribution spec');
    }

    const url = new URL(location, this.base);
    url.searchParams.set('digest', digest);
    await this.sendUrl('PUT', url, `blob ${digest}`, {
      'content-type': 'application/octet-stream',
    }, bytes);
    return desc;
  }

  /**
   * PUTs a manifest under a tag or its digest; returns its descriptor and whether the
   * registry processed its `subject` (the `OCI-Subject` reply header).
   * @throws RegistryError when the registry refuses it.
   */
  async putManifest(
    target: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<{ descriptor: Descriptor; subjectProcessed: boolean }> {
    const reply = await this.send('PUT', `manifests/${target}`, `manifest ${target}`, {
      'content-type': mediaType,
    }, bytes);
    const subject = reply?.response.headers.get('oci-subject') ?? null;
    return {
      descriptor: { mediaType, digest: digestOf(bytes), size: bytes.length },
      subjectProcessed: subject !== null,
    };
  }

  /**
   * The referrers index for a digest, or undefined when the registry has no referrers API.
   * @throws RegistryError for other failures.
   */
  async referrers(digest: string, artifactType?: string): Promise<Buffer | undefined> {
    const suffix = artifactType === undefined
      ? ''
      : `?artifactType=${encodeURIComponent(artifactType)}`;
    const what = `referrers of ${digest}`;
    const reply = await this.send('GET', `referrers/${digest}${suffix}`, what, {
      accept: MediaType.ociIndex,
    }, undefined, NO_REFERRERS_API);
    return reply === undefined ? undefined : readLimited(reply, MAX_REFERRERS_BYTES, what);
  }

  // Sends under the push scope, answering one 401 challenge; a status in `absent` gives
  // undefined, any other failure its typed error.
  private send(
    method: NonNullable<TransportRequest['method']>,
    path: string,
    what: string,
    headers: Record<string, string> = {},
    body?: Buffer,
    absent: readonly number[] = [],
  ): Promise<TransportResponse | undefined> {
    const url = new URL(`/v2/${this.reference.repository}/${path}`, this.base);
    return this.sendUrl(method, url, what, headers, body, absent);
  }

  private async sendUrl(
    method: NonNullable<TransportRequest['method']>,
    url: URL,
    what: string,
    headers: Record<string, string>,
    body?: Buffer,
    absent: readonly number[] = [],
  ): Promise<TransportResponse | undefined> {
    const attempt = async () => {
      const authorization = await this.authorizer.authorization(this.pushScope);
      const all = authorization === undefined ? headers : { ...headers, authorization };
      return this.transport.send({ url, method, headers: all, ...(body ? { body } : {}) });
    };

    let reply = await attempt();
    if (reply.response.status === 401) {
      const challenge = reply.response.headers.get('www-authenticate');
      await reply.response.body?.cancel().catch(() => undefined);
      await this.authorizer.answerChallenge(challenge, this.pushScope);
      reply = await attempt();
    }

    if (reply.response.ok) {
      return reply;
    }

    if (absent.includes(reply.response.status)) {
      await reply.response.body?.cancel().catch(() => undefined);
      return undefined;
    }

    throw await errorForReply(reply, {
      what: `${method} ${what}`,
      reference: formatRegistryReference(this.reference),
      credentialsHint: await this.authorizer.credentialsHint(),
    });
  }
}

/**
 * Opens a repository for reading and writing: `HOST/REPO[:TAG|@DIGEST]`.
 * @throws ImageError `INVALID_REFERENCE`.
 */
export function openRegistryWriter(
  input: string,
  options: RegistryWriterOptions = {},
): RegistryWriter {
  const ref = parseRegistryReference(input);
  // Reads go under the push scope too, as cosign's do: one token serves the whole signing,
  // and a registry that waives pull policies for those who may push sees that it may.
  const { client, transport, authorizer, insecure } = connectRepository(ref,
    { ...options, readScope: 'pull,push' });
  return new RegistryWriter(ref, client, transport, authorizer, insecure);
}
