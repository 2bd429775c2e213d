import { describe, expect, it } from 'vitest';
import { hostPlatform, parsePlatform, selectPlatform } from './platform.js';
import type { Descriptor, Platform } from './types.js';

const entry = (platform?: Platform, annotations?: Record<string, string>): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${'0'.repeat(64)}`,
  size: 1,
  ...(platform === undefined ? {} : { platform }),
  ...(annotations === undefined ? {} : { annotations }),
});

describe('parsePlatform', () => {
  it.each([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['linux/arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['linux/arm', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/arm/v6', { os: 'linux', architecture: 'arm', variant: 'v6' }],
    ['Linux/x86_64', { os: 'linux', architecture: 'amd64' }],
  ])('parses %s', (text, expected) => {
    expect(parsePlatform(text)).toEqual(expected);
  });

  it.each(['linux', 'linux/', 'a/b/c/d', 'linux/am d64'])('rejects %s', (text) => {
    expect(() => parsePlatform(text)).toThrow(
      expect.objectContaining({ code: 'INVALID_PLATFORM' }),
    );
  });

  it('knows the host', () => {
    expect(hostPlatform().os).toBe('linux');
  });
});

describe('selectPlatform', () => {
  const amd64 = { ...entry({ os: 'linux', architecture: 'amd64' }), digest: 'amd64' };
  const arm64 = { ...entry({ os: 'linux', architecture: 'arm64' }), digest: 'arm64' };
  const armv6 = { ...entry({ os: 'linux', architecture: 'arm', variant: 'v6' }), digest: 'v6' };
  const armv7 = { ...entry({ os: 'linux', architecture: 'arm', variant: 'v7' }), digest: 'v7' };
  const attestation = entry({ os: 'unknown', architecture: 'unknown' });
  const index = [attestation, amd64, arm64, armv6, armv7];

  it.each([
    ['linux/amd64', 'amd64'],
    ['linux/arm64/v8', 'arm64'],
    ['linux/arm', 'v7'],
    ['linux/arm/v6', 'v6'],
  ])('picks %s', (wanted, digest) => {
    expect(selectPlatform(index, parsePlatform(wanted)).digest).toBe(digest);
  });

  it('falls back to another variant of the same architecture when none was asked for', () => {
    expect(selectPlatform([armv6], parsePlatform('linux/arm')).digest).toBe('v6');
  });

  it('accepts a whole index', () => {
    expect(selectPlatform({ manifests: index }, parsePlatform('linux/arm64')).digest).toBe('arm64');
  });

  it('uses a single platform-less entry', () => {
    expect(selectPlatform([entry()], parsePlatform('linux/s390x')).size).toBe(1);
  });

  it('lists the available platforms when none matches', () => {
    expect(() => selectPlatform(index, parsePlatform('linux/s390x'))).toThrow(
      /no manifest for linux\/s390x; available: linux\/amd64, linux\/arm64, linux\/arm\/v6/,
    );
  });
});
