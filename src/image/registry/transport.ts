// Sends one registry request: scheme policy, redirects (bounded, without Authorization once
// they leave the registry's host), a deadline for the reply's headers, and bounded retries
// with backoff on 429/502/503/504 and network resets. `fetch`, the clock and sleep are
// injected so tests can drive retries without waiting.
import { assertTransportAllowed } from './endpoint.js';
import { RegistryError, redactUrl } from './errors.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelayMs,
  type RetryPolicy,
} from './retry.js';

export interface RetryInfo {
  url: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  /** `status 503` or the network error's code. */
  reason: string;
}

export interface TransportOptions {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  insecure?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Milliseconds to wait for a reply's headers, and between body chunks. */
  timeoutMs?: number;
  onRetry?: (info: RetryInfo) => void;
}

export interface TransportRequest {
  url: URL;
  method?: 'GET' | 'POST' | 'PUT' | 'HEAD';
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface TransportResponse {
  response: Response;
  /** The URL that answered, after redirects. */
  url: URL;
  /** Aborts the body download, e.g. when a size limit or an idle deadline is hit. */
  abort(reason: Error): void;
  timeoutMs: number;
}

// Limitation: Node's fetch ignores HTTPS_PROXY/NO_PROXY, so registries reachable only
// through an HTTP proxy cannot be pulled from.
const MAX_REDIRECTS = 5;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_TIMEOUT_MS = 30_000;

export class Transport {
  readonly now: () => number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly insecure: boolean;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly onRetry?: (info: RetryInfo) => void;

  constructor(options: TransportOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms)));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.insecure = options.insecure ?? false;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.onRetry = options.onRetry;
  }

  /**
   * Sends a request, retrying transient failures. Returns the final reply whatever its
   * status (a 429/5xx only after the last attempt); the caller maps statuses to errors.
   * @throws RegistryError `NETWORK_ERROR`, `INSECURE_TRANSPORT` or `PROTOCOL_ERROR`.
   */
  async send(request: TransportRequest): Promise<TransportResponse> {
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= this.policy.maxAttempts;
      let reply: TransportResponse;
      try {
        reply = await this.followRedirects(request);
      } catch (err) {
        if (last || !isTransient(err)) {
          throw networkError(err, request.url, attempt);
        }

        await this.wait(request.url, attempt, undefined, networkReason(err));
        continue;
      }

      const { status } = reply.response;
      if (last || !isRetryableStatus(status)) {
        return reply;
      }

      const retryAfter = parseRetryAfter(reply.response.headers.get('retry-after'), this.now());
      if (retryAfter !== undefined && retryAfter > this.policy.maxRetryAfterMs) {
        return reply;
      }

      await reply.response.body?.cancel().catch(() => undefined);
      await this.wait(request.url, attempt, retryAfter, `status ${status}`);
    }
  }

  private async wait(
    url: URL,
    attempt: number,
    retryAfter: number | undefined,
    reason: string,
  ): Promise<void> {
    const delayMs = retryDelayMs(this.policy, attempt, retryAfter, this.random);
    this.onRetry?.({ url: redactUrl(url), attempt, delayMs, reason });
    await this.sleep(delayMs);
  }

  private async followRedirects(request: TransportRequest): Promise<TransportResponse> {
    const origin = request.url.host;
    let url = request.url;
    let method = request.method ?? 'GET';
    let body = request.body;
    const headers = { ...request.headers };

    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      assertTransportAllowed(url, this.insecure);
      const reply = await this.fetchOnce(url, method, headers, body);
      const { status } = reply.response;
      if (!REDIRECT_STATUS.has(status)) {
        return reply;
      }

      await reply.response.body?.cancel().catch(() => undefined);
      const location = reply.response.headers.get('location');
      if (location === null) {
        throw new RegistryError('PROTOCOL_ERROR', `${redactUrl(url)} redirected nowhere`);
      }

      url = new URL(location, url);
      // Credentials meant for the registry must not reach a blob store or CDN it points at.
      if (url.host !== origin) {
        delete headers.authorization;
      }

      if (status === 303) {
        method = 'GET';
        body = undefined;
      }
    }

    throw new RegistryError(
      'PROTOCOL_ERROR',
      `${redactUrl(request.url)} redirected more than ${MAX_REDIRECTS} times`,
    );
  }

  private async fetchOnce(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
  ): Promise<TransportResponse> {
    const controller = new AbortController();
    const timeout = new RegistryError(
      'NETWORK_ERROR',
      `${redactUrl(url)} did not answer within ${this.timeoutMs} ms`,
    );
    const timer = setTimeout(() => controller.abort(timeout), this.timeoutMs);
    try {
      const response = await this.fetch(url, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      return {
        response,
        url,
        abort: (reason) => controller.abort(reason),
        timeoutMs: this.timeoutMs,
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

// Our own deadline is transient; a refused scheme or a redirect loop is not.
function isTransient(err: unknown): boolean {
  if (err instanceof RegistryError) {
    return err.code === 'NETWORK_ERROR';
  }

  return isRetryableNetworkError(err);
}

function networkReason(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as NodeJS.ErrnoException | undefined) : undefined;
  return cause?.code ?? (err instanceof Error ? err.name : 'error');
}

function networkError(err: unknown, url: URL, attempts: number): RegistryError {
  if (err instanceof RegistryError) {
    return err;
  }

  const tries = attempts === 1 ? '' : ` after ${attempts} attempts`;
  return new RegistryError(
    'NETWORK_ERROR',
    `cannot reach ${redactUrl(url)}${tries} (${networkReason(err)}); check the registry ` +
      'address, that it is running, and the network',
    { cause: err },
  );
}
