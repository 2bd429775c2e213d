// Which URL scheme a registry is reached over, and the rule that keeps plain HTTP off the
// network: HTTPS unless the user said `insecure` or the host is loopback.
import { RegistryError, redactUrl } from './errors.js';

/** True for `localhost`, 127.0.0.0/8 and `[::1]`, with or without a port. */
export function isLoopbackHost(host: string): boolean {
  const name = stripPort(host).toLowerCase();
  if (name === 'localhost' || name === '[::1]' || name === '::1') {
    return true;
  }

  return /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(name) && validIpv4(name);
}

/**
 * The API base URL of a registry host: `https://host`, or `http://host` for loopback hosts
 * and when `insecure` is set.
 */
// Limitation: a loopback or `insecure` registry is reached over plain HTTP only; HTTPS with
// an untrusted certificate is not tried first (as podman does), and no custom CA or client
// certificate (containers certs.d) can be configured.
export function registryBaseUrl(host: string, insecure: boolean): URL {
  const scheme = insecure || isLoopbackHost(host) ? 'http' : 'https';
  return new URL(`${scheme}://${host}/`);
}

/**
 * Refuses a URL before any connection is made when it would send traffic in the clear to a
 * non-loopback host (a redirect or token realm may point anywhere).
 * @throws RegistryError `INSECURE_TRANSPORT` or `PROTOCOL_ERROR`.
 */
export function assertTransportAllowed(url: URL, insecure: boolean): void {
  if (url.protocol === 'https:') {
    return;
  }

  if (url.protocol !== 'http:') {
    throw new RegistryError('PROTOCOL_ERROR', `refusing ${url.protocol} URL ${redactUrl(url)}`);
  }

  if (insecure || isLoopbackHost(url.host)) {
    return;
  }

  throw new RegistryError(
    'INSECURE_TRANSPORT',
    `refusing plain HTTP to ${url.host} (${redactUrl(url)}); use HTTPS, or pass --insecure ` +
      'only for a registry you trust on a network you control',
  );
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }

  const colon = host.lastIndexOf(':');
  return colon === -1 || host.indexOf(':') !== colon ? host : host.slice(0, colon);
}

function validIpv4(name: string): boolean {
  return name.split('.').every((part) => Number(part) <= 255);
}
