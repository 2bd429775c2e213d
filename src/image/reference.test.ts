import { describe, expect, it } from 'vitest';
import { parseImageReference } from './reference.js';

const existing = new Set(['/img/layout', '/data/a:b', '/x.tar']);
const exists = (path: string) => existing.has(path);

describe('parseImageReference', () => {
  it.each([
    ['oci:/img/layout', { kind: 'oci', path: '/img/layout' }],
    ['oci:/img/layout:v1', { kind: 'oci', path: '/img/layout', tag: 'v1' }],
    ['oci:/data/a:b', { kind: 'oci', path: '/data/a:b' }],
    ['oci:/data/a:b:latest', { kind: 'oci', path: '/data/a:b', tag: 'latest' }],
    ['oci:/missing:tag', { kind: 'oci', path: '/missing', tag: 'tag' }],
    ['oci-archive:/x.tar:v2', { kind: 'oci-archive', path: '/x.tar', tag: 'v2' }],
    ['docker-archive:/x.tar', { kind: 'docker-archive', path: '/x.tar' }],
    ['docker-archive:/x.tar:app:1.0', { kind: 'docker-archive', path: '/x.tar', name: 'app:1.0' }],
    ['docker-archive:/x.tar:@1', { kind: 'docker-archive', path: '/x.tar', index: 1 }],
    ['dir:/', { kind: 'dir', path: '/' }],
    ['docker://ghcr.io/a/b:1', { kind: 'registry', text: 'ghcr.io/a/b:1' }],
    ['localhost:5000/a/b@sha256:abc', { kind: 'registry', text: 'localhost:5000/a/b@sha256:abc' }],
    ['busybox', { kind: 'registry', text: 'busybox' }],
  ])('parses %s', (text, expected) => {
    expect(parseImageReference(text, exists)).toEqual(expected);
  });

  it.each(['oci:', 'dir:', 'docker://', 'docker-archive:/x.tar:@-1', 'ftp://host/x', 'tar:/x'])(
    'rejects %s',
    (text) => {
      expect(() => parseImageReference(text, exists)).toThrow(
        expect.objectContaining({ code: 'INVALID_REFERENCE' }),
      );
    },
  );
});
