// Errors of talking to a registry: transport, auth and the distribution API's error replies.
// Content problems (digests, sizes, bad manifests, missing tags) stay ImageErrors.
import { MoatError } from '../../errors.js';

export type RegistryErrorCode =
  /** 401 after authenticating, or no credentials where the registry demands them. */
  | 'UNAUTHORIZED'
  /** 403: the credentials are valid but may not do this. */
  | 'DENIED'
  /** 429 after every retry. */
  | 'TOO_MANY_REQUESTS'
  /** Any other error status, with the registry's `errors[]` in the message. */
  | 'REGISTRY_ERROR'
  /** Connection refused or reset, timeouts, TLS failures, after every retry. */
  | 'NETWORK_ERROR'
  /** Plain HTTP to a non-loopback host without `insecure`. */
  | 'INSECURE_TRANSPORT'
  /** Too many redirects, a redirect without a location, a bad token reply. */
  | 'PROTOCOL_ERROR'
  | 'CREDENTIALS_INVALID'
  | 'CREDENTIAL_HELPER_FAILED';

export class RegistryError extends MoatError {
  declare readonly code: RegistryErrorCode;
  /** HTTP status of the reply that failed, when there was one. */
  readonly status?: number;

  constructor(
    code: RegistryErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(code, message, options);
    this.status = options?.status;
  }
}

/** A URL for messages: no user info, no query (pre-signed blob URLs carry secrets there). */
export function redactUrl(url: string | URL): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<invalid url>';
  }
}
