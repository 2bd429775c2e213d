import { describe, expect, it } from 'vitest';
import { parseRegistryReference } from './reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseRegistryReference', () => {
  const HUB = 'registry-1.docker.io';
  it.each([
    ['alpine', `${HUB} library/alpine :latest`],
    ['docker://alpine:3.19', `${HUB} library/alpine :3.19`],
    ['docker.io/bitnami/redis:7', `${HUB} bitnami/redis :7`],
    ['index.docker.io/nginx', `${HUB} library/nginx :latest`],
    ['user/app', `${HUB} user/app :latest`],
    // As in Docker, a lone `host:port` is a Docker Hub name with a tag.
    ['localhost:5000', `${HUB} library/localhost :5000`],
    ['localhost/app:1', 'localhost app :1'],
    ['localhost:5000/a/b/c', 'localhost:5000 a/b/c :latest'],
    ['127.0.0.1:5000/repo:v1', '127.0.0.1:5000 repo :v1'],
    ['[::1]:5000/repo:v1', '[::1]:5000 repo :v1'],
    ['Registry/repo', 'Registry repo :latest'],
    ['ghcr.io/org/app-x_y.z__w:1.0-rc_1', 'ghcr.io org/app-x_y.z__w :1.0-rc_1'],
    [`quay.io/org/app@${DIGEST}`, `quay.io org/app @${DIGEST}`],
    [`quay.io/org/app:v2@${DIGEST}`, `quay.io org/app :v2@${DIGEST}`],
  ])('parses %s', (input, expected) => {
    const ref = parseRegistryReference(input);
    const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
    const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
    const version = `${tag}${digest}`;
    expect(`${ref.registry} ${ref.repository} ${version}`).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['docker://', 'empty'],
    ['ghcr.io/Org/app', 'lower-case'],
    ['ghcr.io/org//app', 'not a valid repository path component'],
    ['ghcr.io/org/app:', 'tag ""'],
    ['ghcr.io/org/app:.bad', 'tag ".bad"'],
    [`ghcr.io/org/app:${'t'.repeat(129)}`, 'tag'],
    ['ghcr.io/org/app@sha256:abc', 'not a digest'],
    [`ghcr.io/org/app@md5:${'a'.repeat(32)}`, 'not supported'],
    [`ghcr.io/org/app@sha256:${'A'.repeat(64)}`, 'lower-case hex'],
    [`ghcr.io/org/app@sha256:${'a'.repeat(63)}`, 'right length'],
    ['-bad.io/app', 'valid registry host'],
    ['localhost:5000/', 'repository name is missing'],
    [`ghcr.io/${'a'.repeat(250)}`, 'longer than 255'],
    ['ghcr.io/org/app:v1:v2', 'valid'],
  ])('refuses %j (%s)', (input, why) => {
    expect(() => parseRegistryReference(input)).toThrow(
      expect.objectContaining({ code: 'INVALID_REFERENCE', message: expect.stringContaining(why) }),
    );
  });
});
