import { describe, expect, it } from 'vitest';
import { assertTransportAllowed, isLoopbackHost, registryBaseUrl } from './endpoint.js';

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1', true],
    ['127.1.2.3:443', true],
    ['[::1]:5000', true],
    ['[::1]', true],
    ['127.0.0.256', false],
    ['128.0.0.1', false],
    ['10.0.0.1:5000', false],
    ['localhost.example.com', false],
    ['127.0.0.1.example.com', false],
    ['[::2]:5000', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('registryBaseUrl', () => {
  it.each([
    ['ghcr.io', false, 'https://ghcr.io/'],
    ['ghcr.io', true, 'http://ghcr.io/'],
    ['127.0.0.1:5000', false, 'http://127.0.0.1:5000/'],
    ['[::1]:5000', false, 'http://[::1]:5000/'],
  ])('%s (insecure %s) → %s', (host, insecure, expected) => {
    expect(registryBaseUrl(host, insecure).href).toBe(expected);
  });
});

describe('assertTransportAllowed', () => {
  it.each([
    ['https://blobs.example.com/x', false],
    ['http://127.0.0.1:5000/v2/', false],
    ['http://localhost/token', false],
    ['http://blobs.example.com/x', true],
  ])('allows %s (insecure %s)', (url, insecure) => {
    expect(() => assertTransportAllowed(new URL(url), insecure)).not.toThrow();
  });

  it.each([
    ['http://blobs.example.com/x?X-Amz-Signature=secret', 'INSECURE_TRANSPORT'],
    ['http://10.0.0.1/token', 'INSECURE_TRANSPORT'],
    ['ftp://blobs.example.com/x', 'PROTOCOL_ERROR'],
    ['file:///etc/passwd', 'PROTOCOL_ERROR'],
  ])('refuses %s with %s, without echoing the query', (url, code) => {
    let error: unknown;
    try {
      assertTransportAllowed(new URL(url), false);
    } catch (err) {
      error = err;
    }

    expect(error).toMatchObject({ code });
    expect(String((error as Error).message)).not.toContain('secret');
  });
});
