// The JSON API under /api/v1/ on the server as `moat serve` assembles it, driven over HTTP with
// real pushes: who may see what per role, refused callers, the audit trail of every decision,
// pagination and input limits.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../image/digest.js';
import { silentLogger } from '../log.js';
import { runMoat } from '../posture/testing/cli.js';
import { makeTempDir } from '../testing/requirements.js';
import { call, type Reply } from './__tests__/harness.js';
import { freePort } from './__tests__/spawn-server.js';
import { loadServerConfig } from './config.js';
import { startServer, type RunningServer } from './serve.js';

const ADMIN_PASSWORD = 'api-admin-password';
const BOB_PASSWORD = 'bob-password-123456';
const CAROL_PASSWORD = 'carol-password-123456';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = basic('admin', ADMIN_PASSWORD);
const BOB = basic('bob', BOB_PASSWORD);
const CAROL = basic('carol', CAROL_PASSWORD);
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const CONFIG = Buffer.from('{"architecture":"amd64","os":"linux"}');

function manifest(note: string): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(CONFIG),
      size: CONFIG.length },
    layers: [], annotations: { note } }));
}

describe('the JSON API', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let data: string;
  let server: RunningServer;
  let robotToken: string;
  const r = (method: string, path: string, auth?: string, init: { body?: string;
    type?: string } = {}): Promise<Reply> => call(server.url, method, path, { headers: {
    ...(auth === undefined ? {} : { Authorization: auth }),
    ...(init.type === undefined ? {} : { 'Content-Type': init.type }) },
  ...(init.body === undefined ? {} : { body: init.body }) });
  const moat = async (args: string[], input?: string): Promise<string> => {
    const run = await runMoat([...args, '--data', data], input);
    expect(run.code, run.stderr).toBe(0);
    return run.stdout;
  };
  const push = async (repository: string, tags: string[]): Promise<void> => {
    const blob = await r('POST', `/v2/${repository}/blobs/uploads/?digest=${digestOf(CONFIG)}`,
      ADMIN, { body: CONFIG.toString(), type: 'application/octet-stream' });
    expect(blob.status).toBe(201);
    for (const tag of tags) {
      const put = await r('PUT', `/v2/${repository}/manifests/${tag}`, ADMIN,
        { body: manifest(`${repository}:${tag}`).toString(), type: OCI_MANIFEST });
      expect(put.status).toBe(201);
    }
  };
  const auditRows = async (): Promise<{ event: string; subject?: string; actions: string;
    decision: string; status: number; repository?: string }[]> =>
    JSON.parse(await moat(['audit-log', '--format', 'json']));

  beforeAll(async () => {
    temp = await makeTempDir('api-v1');
    data = join(temp.dir, 'data');
    process.env.MOAT_ADMIN_PASSWORD = ADMIN_PASSWORD;
    try {
      const config = await loadServerConfig({ listen: `127.0.0.1:${await freePort()}`, data });
      server = await startServer(config, silentLogger);
    } finally {
      delete process.env.MOAT_ADMIN_PASSWORD;
    }

    await moat(['project', 'create', 'demo']);
    await moat(['project', 'create', 'secret']);
    await moat(['project', 'create', 'pub', '--public']);
    await moat(['user', 'add', 'bob', '--password-stdin'], `${BOB_PASSWORD}\n`);
    await moat(['user', 'add', 'carol', '--password-stdin'], `${CAROL_PASSWORD}\n`);
    await moat(['user', 'grant', 'bob', 'publisher', 'demo']);
    await moat(['user', 'grant', 'carol', 'reader', 'secret']);
    const robot = await moat(['robot', 'add', 'ci', '--project', 'secret', '--role', 'reader',
      '--expires', '2099-01-01']);
    robotToken = /moat_rbt_[A-Za-z0-9_-]+/.exec(robot)?.[0] ?? '';
    await push('demo/app', ['v1', 'v2', 'v3']);
    await push('demo/web', ['latest']);
    await push('secret/app', ['v1']);
    await push('pub/base', ['12', '13']);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await temp?.cleanup();
  });

  describe('when the caller is not authenticated', () => {
    it('refuses anonymous callers with 401, a challenge for the API scope and the error shape',
      async () => {
        const me = await r('GET', '/api/v1/me');
        expect(me.status).toBe(401);
        expect(me.json()).toEqual({ error: { code: 'UNAUTHORIZED',
          message: 'authentication required' } });
        expect(me.headers.get('www-authenticate')).toBe(`Bearer realm="${server.url}/token",`
          + `service="${new URL(server.url).host}",scope="registry:api:*"`);
        expect((await r('GET', '/api/v1/projects')).status).toBe(401);
      });

    it.each([
      ['a wrong password', basic('bob', 'not-the-password')],
      ['an unknown user', basic('mallory', 'whatever-password')],
      ['a malformed header', 'Digest abc'],
      ['a token that is not a JWT', 'Bearer not.a.token'],
    ])('refuses %s with 401', async (_what, auth) => {
      const me = await r('GET', '/api/v1/me', auth);
      expect(me.status).toBe(401);
      expect(me.json().error.code).toBe('UNAUTHORIZED');
    });

    it('refuses forged and expired tokens with invalid_token', async () => {
      const key = createPrivateKey(await readFile(join(data, 'token-signing-key.pem'), 'utf8'));
      const now = Math.floor(Date.now() / 1000);
      const sign = (claims: { iat: number; exp: number; aud?: string }) =>
        new SignJWT({ access: [{ type: 'registry', name: 'api', actions: ['*'] }] })
          .setProtectedHeader({ alg: 'EdDSA' }).setIssuer(`${server.url}/token`)
          .setAudience(claims.aud ?? new URL(server.url).host).setSubject('admin')
          .setIssuedAt(claims.iat).setExpirationTime(claims.exp).sign(key);
      const expired = await sign({ iat: now - 3600, exp: now - 600 });
      const otherAudience = await sign({ iat: now, exp: now + 60, aud: 'elsewhere' });
      const valid = await sign({ iat: now, exp: now + 60 });
      const forged = `${valid.slice(0, -4)}${valid.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      expect((await r('GET', '/api/v1/me', `Bearer ${valid}`)).status).toBe(200);
      for (const token of [expired, otherAudience, forged]) {
        const me = await r('GET', '/api/v1/me', `Bearer ${token}`);
        expect(me.status).toBe(401);
        expect(me.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
    });
  });

  describe('with bearer tokens from the token endpoint', () => {
    const token = async (auth: string, scope: string): Promise<string> => {
      const reply = await r('GET', `/token?service=${encodeURIComponent(new URL(server.url)
        .host)}&scope=${encodeURIComponent(scope)}`, auth);
      expect(reply.status).toBe(200);
      return `Bearer ${reply.json().token as string}`;
    };

    it('accepts a token that carries registry:api:*', async () => {
      const me = await r('GET', '/api/v1/me', await token(BOB, 'registry:api:*'));
      expect(me.status).toBe(200);
      expect(me.json()).toEqual({ subject: 'bob', kind: 'user', admin: false,
        grants: [{ project: 'demo', role: 'publisher' }], authenticatedWith: 'bearer' });
    });

    it('refuses a registry-only token with 403 insufficient_scope', async () => {
      const me = await r('GET', '/api/v1/me', await token(BOB, 'repository:demo/app:pull'));
      expect(me.status).toBe(403);
      expect(me.json().error.code).toBe('INSUFFICIENT_SCOPE');
      expect(me.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    });

    it('gives anonymous callers no API scope', async () => {
      const anonymous = await r('GET', `/token?scope=${encodeURIComponent('registry:api:*')}`);
      expect(anonymous.status).toBe(200);
      const me = await r('GET', '/api/v1/me', `Bearer ${anonymous.json().token as string}`);
      expect(me.status).toBe(401);
    });
  });

  describe('GET /api/v1/me', () => {
    it.each([
      ['admin', ADMIN, { subject: 'admin', kind: 'user', admin: true, grants: [] }],
      ['a reader', CAROL, { subject: 'carol', kind: 'user', admin: false,
        grants: [{ project: 'secret', role: 'reader' }] }],
    ])('tells %s who it is', async (_who, auth, expected) => {
      const me = await r('GET', '/api/v1/me', auth);
      expect(me.json()).toEqual({ ...expected, authenticatedWith: 'basic' });
      expect(me.headers.get('cache-control')).toBe('no-store');
    });

    it('tells a robot its one grant', async () => {
      const me = await r('GET', '/api/v1/me', basic('robot/ci', robotToken));
      expect(me.json()).toMatchObject({ subject: 'robot/ci', kind: 'robot',
        grants: [{ project: 'secret', role: 'reader' }] });
    });
  });

  describe('projects', () => {
    it.each([
      ['admin', ADMIN, ['demo', 'pub', 'secret']],
      ['a publisher in demo', BOB, ['demo', 'pub']],
      ['a reader in secret', CAROL, ['pub', 'secret']],
    ])('lists for %s only the projects it may see', async (_who, auth, names) => {
      const list = await r('GET', '/api/v1/projects', auth);
      expect(list.status).toBe(200);
      expect(list.json().projects.map((p: { name: string }) => p.name)).toEqual(names);
    });

    it('shows the caller its own actions in each project', async () => {
      const list = await r('GET', '/api/v1/projects', BOB);
      expect(list.json().projects).toEqual([
        { name: 'demo', public: false, actions: ['pull', 'push'] },
        { name: 'pub', public: true, actions: ['pull'] },
      ]);
    });

    it('shows a project with its repository count, and members only to admins', async () => {
      const asBob = await r('GET', '/api/v1/projects/demo', BOB);
      expect(asBob.json()).toEqual({ name: 'demo', public: false, actions: ['pull', 'push'],
        repositories: 2 });
      const asAdmin = await r('GET', '/api/v1/projects/secret', ADMIN);
      expect(asAdmin.json().members).toEqual([
        { subject: 'carol', kind: 'user', role: 'reader' },
        { subject: 'robot/ci', kind: 'robot', role: 'reader',
          expiresAt: '2099-01-01T00:00:00.000Z' },
      ]);
    });

    it('answers 404 for a project the caller may not see, as for one that does not exist',
      async () => {
        const hidden = await r('GET', '/api/v1/projects/secret', BOB);
        const missing = await r('GET', '/api/v1/projects/nothing', BOB);
        expect([hidden.status, missing.status]).toEqual([404, 404]);
        expect(hidden.json().error.code).toBe('NOT_FOUND');
        expect((await r('GET', '/api/v1/projects/nothing', ADMIN)).status).toBe(404);
      });
  });

  describe('repositories and tags', () => {
    it.each([
      ['admin', ADMIN, ['demo/app', 'demo/web', 'pub/base', 'secret/app']],
      ['a publisher in demo', BOB, ['demo/app', 'demo/web', 'pub/base']],
      ['a robot reading secret', 'robot', ['pub/base', 'secret/app']],
    ])('lists for %s the repositories it may pull', async (_who, auth, names) => {
      // The robot's token exists only once beforeAll ran.
      const list = await r('GET', '/api/v1/repositories',
        auth === 'robot' ? basic('robot/ci', robotToken) : auth);
      expect(list.json().repositories.map((x: { name: string }) => x.name)).toEqual(names);
      expect(list.json().next).toBeNull();
    });

    it('counts tags and filters by project', async () => {
      const list = await r('GET', '/api/v1/repositories?project=demo', BOB);
      expect(list.json()).toEqual({ repositories: [
        { name: 'demo/app', project: 'demo', tags: 3 },
        { name: 'demo/web', project: 'demo', tags: 1 }], next: null });
      expect((await r('GET', '/api/v1/repositories?project=secret', BOB)).status).toBe(404);
    });

    it('pages through repositories with limit and cursor', async () => {
      const names: string[] = [];
      let path: string | undefined = '/api/v1/repositories?limit=1';
      let pages = 0;
      while (path !== undefined) {
        const page = (await r('GET', path, ADMIN)).json();
        expect(page.repositories.length).toBe(1);
        names.push(...page.repositories.map((x: { name: string }) => x.name));
        path = page.next === null ? undefined
          : `/api/v1/repositories?limit=1&cursor=${encodeURIComponent(page.next as string)}`;
        pages += 1;
      }

      expect(pages).toBe(4);
      expect(names).toEqual(['demo/app', 'demo/web', 'pub/base', 'secret/app']);
    });

    it('lists tags with digest, media type, size and push time', async () => {
      const tags = await r('GET', '/api/v1/repositories/demo%2Fapp/tags', BOB);
      expect(tags.status).toBe(200);
      const body = manifest('demo/app:v2');
      expect(tags.json().tags[1]).toEqual({ tag: 'v2', digest: digestOf(body),
        mediaType: OCI_MANIFEST, size: body.length,
        pushedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
      const first = await r('GET', '/api/v1/repositories/demo%2Fapp/tags?limit=2', BOB);
      expect(first.json().tags.map((t: { tag: string }) => t.tag)).toEqual(['v1', 'v2']);
      expect(first.json().next).toBe('v2');
      const rest = await r('GET', '/api/v1/repositories/demo%2Fapp/tags?limit=2&cursor=v2', BOB);
      expect(rest.json()).toMatchObject({ name: 'demo/app', next: null });
      expect(rest.json().tags.map((t: { tag: string }) => t.tag)).toEqual(['v3']);
    });

    it('hides the tags of a repository the caller may not pull', async () => {
      const hidden = await r('GET', '/api/v1/repositories/secret%2Fapp/tags', BOB);
      expect(hidden.status).toBe(404);
      expect((await r('GET', '/api/v1/repositories/secret%2Fapp/tags', CAROL)).status)
        .toBe(200);
      const unknown = await r('GET', '/api/v1/repositories/demo%2Fnone/tags', BOB);
      expect(unknown.json().error.code).toBe('NAME_UNKNOWN');
    });
  });

  describe('admin-only endpoints', () => {
    it.each([
      ['/api/v1/users'], ['/api/v1/audit-log'], ['/api/v1/audit-log/verify'],
    ])('refuses %s to a non-admin with 403', async (path) => {
      for (const auth of [BOB, CAROL, basic('robot/ci', robotToken)]) {
        const reply = await r('GET', path, auth);
        expect(reply.status).toBe(403);
        expect(reply.json().error.code).toBe('FORBIDDEN');
      }
    });

    it('lists users and robots without any password hash or token', async () => {
      const users = await r('GET', '/api/v1/users', ADMIN);
      expect(users.json().users).toEqual([
        { name: 'admin', admin: true, grants: [] },
        { name: 'bob', admin: false, grants: [{ project: 'demo', role: 'publisher' }] },
        { name: 'carol', admin: false, grants: [{ project: 'secret', role: 'reader' }] },
      ]);
      expect(users.json().robots).toEqual([{ name: 'ci', project: 'secret', role: 'reader',
        expiresAt: '2099-01-01T00:00:00.000Z' }]);
      expect(users.body.toString()).not.toMatch(/scrypt|password|moat_rbt_/i);
    });
  });

  describe('the audit log', () => {
    it('records every API decision, allowed and denied', async () => {
      await r('GET', '/api/v1/users', BOB);
      await r('GET', '/api/v1/projects/demo', BOB);
      await r('GET', '/api/v1/me');
      const rows = (await auditRows()).filter((row) => row.event === 'api');
      expect(rows).toEqual(expect.arrayContaining([
        expect.objectContaining({ subject: 'bob', actions: 'api:users.list', decision: 'deny',
          status: 403 }),
        expect.objectContaining({ subject: 'bob', actions: 'api:projects.get',
          repository: 'demo', decision: 'allow', status: 200 }),
        expect.objectContaining({ actions: 'api:me', decision: 'deny', status: 401 }),
      ]));
    });

    it('pages with a cursor: every entry once, in order', async () => {
      const everything = (await r('GET', '/api/v1/audit-log?limit=1000', ADMIN)).json();
      const total = everything.entries.length as number;
      expect(total).toBeGreaterThan(10);
      const ids: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { entries: { id: number }[]; next: string | null } = (await r('GET',
          `/api/v1/audit-log?limit=7${cursor === null ? '' : `&cursor=${cursor}`}`, ADMIN))
          .json();
        expect(page.entries.length).toBeLessThanOrEqual(7);
        ids.push(...page.entries.map((e) => e.id));
        cursor = page.next;
      } while (cursor !== null);

      // Reading the log is itself recorded, so later pages see the reads made meanwhile.
      expect(ids.slice(0, total)).toEqual(everything.entries.map((e: { id: number }) => e.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    });

    it('filters by actor and time', async () => {
      const bob = (await r('GET', '/api/v1/audit-log?actor=bob', ADMIN)).json().entries;
      expect(bob.length).toBeGreaterThan(0);
      expect(bob.every((e: { subject: string }) => e.subject === 'bob')).toBe(true);
      const future = await r('GET', '/api/v1/audit-log?since=2999-01-01', ADMIN);
      expect(future.json()).toEqual({ entries: [], next: null });
    });

    it('verifies the hash chain', async () => {
      const verdict = await r('GET', '/api/v1/audit-log/verify', ADMIN);
      expect(verdict.json()).toEqual({ ok: true, rows: expect.any(Number) });
    });

    it('keeps passwords and tokens out of the log', async () => {
      const text = JSON.stringify(await auditRows());
      for (const secret of [ADMIN_PASSWORD, BOB_PASSWORD, CAROL_PASSWORD, robotToken]) {
        expect(text).not.toContain(secret);
      }
    });
  });

  describe('input validation', () => {
    it.each([
      ['/api/v1/audit-log?limit=0'],
      ['/api/v1/audit-log?limit=1001'],
      ['/api/v1/audit-log?limit=ten'],
      ['/api/v1/audit-log?since=yesterday'],
      ['/api/v1/audit-log?cursor=-1'],
      ['/api/v1/audit-log?limit=1&limit=2'],
      ['/api/v1/audit-log?acter=bob'],
      ['/api/v1/repositories?project=Bad%20Name'],
      ['/api/v1/repositories/demo%2F..%2Fx/tags'],
      ['/api/v1/me?verbose=1'],
    ])('refuses %s with 400', async (path) => {
      const reply = await r('GET', path, ADMIN);
      expect(reply.status).toBe(400);
      expect(Object.keys(reply.json().error).sort()).toEqual(['code', 'message']);
    });

    it('answers an unknown endpoint with 404 in the same shape', async () => {
      const reply = await r('GET', '/api/v1/nothing/here', ADMIN);
      expect(reply.status).toBe(404);
      expect(reply.json().error.code).toBe('NOT_FOUND');
    });
  });

  describe('account changes', () => {
    const json = (body: unknown) => ({ body: JSON.stringify(body), type: 'application/json' });

    it('lets an admin create a project and grant and revoke a role', async () => {
      const created = await r('POST', '/api/v1/projects', ADMIN, json({ name: 'payments' }));
      expect(created.status).toBe(201);
      expect(created.json()).toEqual({ name: 'payments', public: false });
      const granted = await r('POST', '/api/v1/projects/payments/grants', ADMIN,
        json({ user: 'bob', role: 'reader' }));
      expect(granted.status).toBe(201);
      expect((await r('GET', '/api/v1/projects/payments', BOB)).status).toBe(200);
      const revoked = await r('DELETE', '/api/v1/projects/payments/grants/bob/reader', ADMIN);
      expect(revoked.status).toBe(204);
      expect((await r('GET', '/api/v1/projects/payments', BOB)).status).toBe(404);
      const changes = (await auditRows()).filter((row) => row.event === 'admin'
        && row.subject === 'api:admin').map((row) => row.actions);
      expect(changes).toEqual(['project create', 'user grant', 'user revoke']);
    });

    it('refuses account changes to non-admins', async () => {
      const reply = await r('POST', '/api/v1/projects', BOB, json({ name: 'bobs' }));
      expect(reply.status).toBe(403);
      expect((await r('GET', '/api/v1/projects/bobs', ADMIN)).status).toBe(404);
    });

    it.each([
      ['a form body', { body: 'name=x', type: 'application/x-www-form-urlencoded' }, 415],
      ['text/plain', { body: '{"name":"x"}', type: 'text/plain' }, 415],
      ['broken JSON', { body: '{"name":', type: 'application/json' }, 400],
      ['an array', json(['x']), 400],
      ['an unknown field', json({ name: 'x', owner: 'bob' }), 400],
      ['a bad name', json({ name: 'Bad Name' }), 400],
      ['a non-boolean public', json({ name: 'x', public: 'yes' }), 400],
      ['a project that exists', json({ name: 'demo' }), 409],
      ['an oversized body', json({ name: 'x'.repeat(20_000) }), 413],
    ])('refuses %s', async (_what, init, status) => {
      const reply = await r('POST', '/api/v1/projects', ADMIN, init);
      expect(reply.status).toBe(status);
      expect(typeof reply.json().error.message).toBe('string');
    });

    it('refuses grants of unknown roles, users and projects', async () => {
      const role = await r('POST', '/api/v1/projects/demo/grants', ADMIN,
        json({ user: 'bob', role: 'owner' }));
      expect(role.status).toBe(400);
      const user = await r('POST', '/api/v1/projects/demo/grants', ADMIN,
        json({ user: 'nobody', role: 'reader' }));
      expect(user.json().error.code).toBe('USER_UNKNOWN');
      const missing = await r('DELETE', '/api/v1/projects/demo/grants/bob/maintainer', ADMIN);
      expect(missing.json().error.code).toBe('NO_SUCH_GRANT');
    });
  });
});
