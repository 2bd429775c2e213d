// One repository on one registry: authorized GETs against the distribution API
// (distribution-spec "Pulling"), answering a 401 challenge once per request.
import type { Authorizer } from './auth.js';
import { registryBaseUrl } from './endpoint.js';
import { errorForReply } from './response-errors.js';
import type { Transport, TransportResponse } from './transport.js';

export interface RepositoryClientOptions {
  registry: string;
  repository: string;
  /** `host/repo:tag` as the user named it, for "not found" messages. */
  reference: string;
  insecure: boolean;
  transport: Transport;
  authorizer: Authorizer;
  /** The actions of the token scope reads ask for (default `pull`). */
  actions?: string;
}

export class RepositoryClient {
  readonly registry: string;
  readonly repository: string;
  private readonly base: URL;
  private readonly scope: string;

  constructor(private readonly options: RepositoryClientOptions) {
    this.registry = options.registry;
    this.repository = options.repository;
    this.base = registryBaseUrl(options.registry, options.insecure);
    this.scope = `repository:${options.repository}:${options.actions ?? 'pull'}`;
  }

  /**
   * GETs `/v2/<repo>/<kind>/<ref>` and returns the successful reply (body unread); `what`
   * names the object in error messages, `headers` are lower-case extra request headers.
   * @throws RegistryError or ImageError `NOT_FOUND` for error replies, after retries.
   */
  async get(
    kind: 'manifests' | 'blobs',
    ref: string,
    what: string,
    headers: Record<string, string> = {},
  ): Promise<TransportResponse> {
    const url = new URL(`/v2/${this.repository}/${kind}/${ref}`, this.base);

    let reply = await this.send(url, headers);
    if (reply.response.status === 401) {
      const challenge = reply.response.headers.get('www-authenticate');
      await reply.response.body?.cancel().catch(() => undefined);
      await this.options.authorizer.answerChallenge(challenge, this.scope);
      reply = await this.send(url, headers);
    }

    if (reply.response.ok) {
      return reply;
    }

    throw await errorForReply(reply, {
      what,
      reference: this.options.reference,
      kind: kind === 'blobs' ? 'blob' : 'manifest',
      credentialsHint: await this.options.authorizer.credentialsHint(),
    });
  }

  private async send(url: URL, headers: Record<string, string>): Promise<TransportResponse> {
    const authorization = await this.options.authorizer.authorization(this.scope);
    const withAuth =
      authorization === undefined ? headers : { ...headers, authorization };
    return this.options.transport.send({ url, headers: withAuth });
  }
}
