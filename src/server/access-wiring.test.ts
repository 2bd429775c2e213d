// The server as `moat serve` assembles it (startServer), with the real access policy: every
// /v2/ request is decided by it, refusals carry OCI errors and challenges, the catalog shows
// only what the caller may pull, and a mount needs pull on its source.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../image/digest.js';
import { silentLogger } from '../log.js';
import { runMoat } from '../posture/testing/cli.js';
import { makeTempDir } from '../testing/requirements.js';
import { call } from './__tests__/harness.js';
import { freePort } from './__tests__/spawn-server.js';
import { loadServerConfig } from './config.js';
import { startServer, type RunningServer } from './serve.js';

const ADMIN_PASSWORD = 'wiring-admin-password';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = basic('admin', ADMIN_PASSWORD);
const BOB = basic('bob', 'bob-password-123456');
const blob = Buffer.from('a layer only some may see');

describe('moat serve with the access policy', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let server: RunningServer;
  const r = (method: string, path: string, auth?: string, body?: Buffer) =>
    call(server.url, method, path, { headers: {
      ...(auth === undefined ? {} : { Authorization: auth }),
      'Content-Type': 'application/octet-stream' }, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    temp = await makeTempDir('registry-access');
    const data = join(temp.dir, 'data');
    process.env.MOAT_ADMIN_PASSWORD = ADMIN_PASSWORD;
    try {
      const config = await loadServerConfig({ listen: `127.0.0.1:${await freePort()}`, data });
      server = await startServer(config, silentLogger);
    } finally {
      delete process.env.MOAT_ADMIN_PASSWORD;
    }

    for (const args of [['project', 'create', 'demo'], ['project', 'create', 'secret'],
      ['user', 'grant', 'bob', 'publisher', 'demo']]) {
      if (args[0] === 'user') {
        const added = await runMoat(['user', 'add', 'bob', '--password-stdin', '--data', data],
          'bob-password-123456\n');
        expect(added.code, added.stderr).toBe(0);
      }

      const done = await runMoat([...args, '--data', data]);
      expect(done.code, done.stderr).toBe(0);
    }

    for (const repo of ['demo/app', 'secret/app']) {
      const push = await r('POST', `/v2/${repo}/blobs/uploads/?digest=${digestOf(blob)}`, ADMIN,
        blob);
      expect(push.status).toBe(201);
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await temp?.cleanup();
  });

  it('challenges an anonymous client with the token realm', async () => {
    const base = await r('GET', '/v2/');
    expect(base.status).toBe(401);
    expect(base.json().errors[0].code).toBe('UNAUTHORIZED');
    expect(base.headers.get('www-authenticate')).toContain(`realm="${server.url}/token"`);
  });

  it('refuses what a grant does not allow, with an OCI error', async () => {
    expect((await r('GET', `/v2/demo/app/blobs/${digestOf(blob)}`, BOB)).status).toBe(200);
    const other = await r('GET', `/v2/secret/app/blobs/${digestOf(blob)}`, BOB);
    expect(other.status).toBe(403);
    expect(other.json().errors[0].code).toBe('DENIED');
    expect((await r('DELETE', `/v2/demo/app/blobs/${digestOf(blob)}`, BOB)).status).toBe(403);
  });

  it('lists in the catalog only the repositories the caller may pull', async () => {
    expect((await r('GET', '/v2/_catalog', BOB)).json()).toEqual({ repositories: ['demo/app'] });
    expect((await r('GET', '/v2/_catalog', ADMIN)).json().repositories)
      .toEqual(['demo/app', 'secret/app']);
    const first = await r('GET', '/v2/_catalog?n=1', ADMIN);
    expect(first.json()).toEqual({ repositories: ['demo/app'] });
    expect(first.headers.get('link')).toBe('</v2/_catalog?n=1&last=demo%2Fapp>; rel="next"');
    expect((await r('GET', '/v2/_catalog?n=1&last=demo%2Fapp', ADMIN)).json())
      .toEqual({ repositories: ['secret/app'] });
  });

  it('falls back to an upload when the caller may not pull the mount source', async () => {
    const denied = await r('POST',
      `/v2/demo/copy/blobs/uploads/?mount=${digestOf(blob)}&from=secret/app`, BOB);
    expect(denied.status).toBe(202);
    const allowed = await r('POST',
      `/v2/demo/copy/blobs/uploads/?mount=${digestOf(blob)}&from=demo/app`, BOB);
    expect(allowed.status).toBe(201);
  });

  it('issues tokens at the realm that the registry then accepts', async () => {
    const token = await r('GET', '/token?service=' +
      `${encodeURIComponent(new URL(server.url).host)}&scope=repository:demo/app:pull`, BOB);
    expect(token.status).toBe(200);
    const bearer = `Bearer ${token.json().token as string}`;
    expect((await r('GET', `/v2/demo/app/blobs/${digestOf(blob)}`, bearer)).status).toBe(200);
    expect((await r('POST', '/v2/demo/app/blobs/uploads/', bearer)).status).toBe(403);
  });
});
