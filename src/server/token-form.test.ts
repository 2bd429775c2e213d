// POST /token, the OAuth2 form of the token endpoint, on the server as `moat serve` assembles
// it: password and refresh-token grants, tokens the registry and the API then accept, refused
// forms, and the same lockout as Basic logins.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../image/digest.js';
import { silentLogger } from '../log.js';
import { runMoat } from '../posture/testing/cli.js';
import { makeTempDir } from '../testing/requirements.js';
import { call, type Reply } from './__tests__/harness.js';
import { freePort } from './__tests__/spawn-server.js';
import { loadServerConfig } from './config.js';
import { startServer, type RunningServer } from './serve.js';

const ADMIN_PASSWORD = 'form-admin-password';
const DAVE_PASSWORD = 'dave-password-123456';
const blob = Buffer.from('a layer behind the OAuth2 form');

describe('POST /token (OAuth2 form)', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let data: string;
  let server: RunningServer;
  let service: string;
  const form = (fields: Record<string, string>, type = 'application/x-www-form-urlencoded') =>
    call(server.url, 'POST', '/token', { headers: { 'Content-Type': type },
      body: new URLSearchParams(fields).toString() });
  const password = (user: string, secret: string, extra: Record<string, string> = {}) =>
    form({ grant_type: 'password', client_id: 'moat-test', service, username: user,
      password: secret, ...extra });
  const get = (path: string, auth: string): Promise<Reply> =>
    call(server.url, 'GET', path, { headers: { Authorization: auth } });

  beforeAll(async () => {
    temp = await makeTempDir('token-form');
    data = join(temp.dir, 'data');
    process.env.MOAT_ADMIN_PASSWORD = ADMIN_PASSWORD;
    try {
      const config = await loadServerConfig({ listen: `127.0.0.1:${await freePort()}`, data });
      server = await startServer(config, silentLogger);
    } finally {
      delete process.env.MOAT_ADMIN_PASSWORD;
    }

    service = new URL(server.url).host;
    for (const [args, input] of [[['project', 'create', 'demo']],
      [['user', 'add', 'dave', '--password-stdin'], `${DAVE_PASSWORD}\n`],
      [['user', 'grant', 'dave', 'reader', 'demo']]] as [string[], string?][]) {
      const run = await runMoat([...args, '--data', data], input);
      expect(run.code, run.stderr).toBe(0);
    }

    const admin = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
    const pushed = await call(server.url, 'POST',
      `/v2/demo/app/blobs/uploads/?digest=${digestOf(blob)}`, { headers: {
        Authorization: admin, 'Content-Type': 'application/octet-stream' }, body: blob });
    expect(pushed.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await temp?.cleanup();
  });

  it('issues an access token for a password grant that the registry accepts', async () => {
    const reply = await password('dave', DAVE_PASSWORD,
      { scope: 'repository:demo/app:pull,push registry:api:*' });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const body = reply.json();
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer',
      scope: 'repository:demo/app:pull registry:api:*', expires_in: 300,
      issued_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    const bearer = `Bearer ${body.access_token as string}`;
    expect((await get(`/v2/demo/app/blobs/${digestOf(blob)}`, bearer)).status).toBe(200);
    expect((await get('/api/v1/me', bearer)).json()).toMatchObject({ subject: 'dave',
      authenticatedWith: 'bearer' });
  });

  it('issues a refresh token with access_type=offline, good only for new access tokens',
    async () => {
      const first = await password('dave', DAVE_PASSWORD, { access_type: 'offline' });
      const refresh = first.json().refresh_token as string;
      expect(refresh).toEqual(expect.any(String));
      const renewed = await form({ grant_type: 'refresh_token', client_id: 'moat-test',
        refresh_token: refresh, scope: 'repository:demo/app:pull' });
      expect(renewed.status).toBe(200);
      expect(renewed.json().refresh_token).toBeUndefined();
      const access = renewed.json().access_token as string;
      expect((await get(`/v2/demo/app/blobs/${digestOf(blob)}`, `Bearer ${access}`)).status)
        .toBe(200);
      // Neither token stands in for the other.
      expect((await get(`/v2/demo/app/blobs/${digestOf(blob)}`, `Bearer ${refresh}`)).status)
        .toBe(401);
      const swapped = await form({ grant_type: 'refresh_token', client_id: 'moat-test',
        refresh_token: access });
      expect(swapped.status).toBe(400);
      expect(swapped.json().error).toBe('invalid_grant');
    });

  it('also issues a refresh token on the GET form with offline_token=true', async () => {
    const basic = `Basic ${Buffer.from(`dave:${DAVE_PASSWORD}`).toString('base64')}`;
    const plain = await get(`/token?service=${service}`, basic);
    expect(plain.json().refresh_token).toBeUndefined();
    const login = await get(`/token?service=${service}&offline_token=true`, basic);
    const renewed = await form({ grant_type: 'refresh_token', client_id: 'docker',
      service, refresh_token: login.json().refresh_token as string,
      scope: 'repository:demo/app:pull' });
    expect(renewed.status).toBe(200);
    expect(renewed.json().scope).toBe('repository:demo/app:pull');
  });

  it('stops honouring a refresh token once its user is removed', async () => {
    const add = await runMoat(['user', 'add', 'erin', '--password-stdin', '--data', data],
      'erin-password-123456\n');
    expect(add.code).toBe(0);
    const refresh = (await password('erin', 'erin-password-123456',
      { access_type: 'offline' })).json().refresh_token as string;
    expect((await runMoat(['user', 'remove', 'erin', '--data', data])).code).toBe(0);
    const renewed = await form({ grant_type: 'refresh_token', client_id: 'moat-test',
      refresh_token: refresh });
    expect(renewed.status).toBe(400);
    expect(renewed.json().error).toBe('invalid_grant');
  });

  it.each([
    ['an unsupported grant', { grant_type: 'client_credentials', client_id: 'x' }, 400,
      'unsupported_grant_type'],
    ['no client_id', { grant_type: 'password', username: 'dave', password: 'x' }, 400,
      'invalid_request'],
    ['no password', { grant_type: 'password', client_id: 'x', username: 'dave' }, 400,
      'invalid_request'],
    ['another service', { grant_type: 'password', client_id: 'x', service: 'elsewhere',
      username: 'dave', password: DAVE_PASSWORD }, 400, 'invalid_request'],
    ['a malformed scope', { grant_type: 'password', client_id: 'x', username: 'dave',
      password: DAVE_PASSWORD, scope: 'repository:' }, 400, 'invalid_scope'],
    ['a forged refresh token', { grant_type: 'refresh_token', client_id: 'x',
      refresh_token: 'eyJhbGciOiJFZERTQSJ9.e30.AAAA' }, 400, 'invalid_grant'],
  ])('refuses %s', async (_what, fields, status, error) => {
    const reply = await form(fields);
    expect(reply.status).toBe(status);
    expect(reply.json().error).toBe(error);
  });

  it('refuses a body that is not a form, and a field given twice', async () => {
    const json = await form({ grant_type: 'password' }, 'application/json');
    expect(json.status).toBe(400);
    const twice = await call(server.url, 'POST', '/token', { headers: {
      'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=password&client_id=x&username=dave&username=admin&password=y' });
    expect(twice.status).toBe(400);
  });

  it('records grants and refusals in the audit log without the password', async () => {
    const run = await runMoat(['audit-log', '--format', 'json', '--data', data]);
    const rows = JSON.parse(run.stdout) as { event: string; subject?: string;
      decision: string; reason: string }[];
    const tokens = rows.filter((row) => row.event === 'token');
    expect(tokens).toEqual(expect.arrayContaining([
      expect.objectContaining({ subject: 'dave', decision: 'allow',
        reason: expect.stringContaining('password grant') }),
      expect.objectContaining({ subject: 'dave', decision: 'allow',
        reason: expect.stringContaining('refresh_token grant') }),
    ]));
    expect(run.stdout).not.toContain(DAVE_PASSWORD);
  });

  // Last: the lockout also blocks this test's address for a minute.
  it('locks out repeated wrong passwords, for the form and for Basic alike', async () => {
    for (let i = 0; i < 5; i += 1) {
      const wrong = await password('dave', `wrong-${i}-password`);
      expect(wrong.status).toBe(400);
      expect(wrong.json().error).toBe('invalid_grant');
    }

    const locked = await password('dave', DAVE_PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const basic = `Basic ${Buffer.from(`dave:${DAVE_PASSWORD}`).toString('base64')}`;
    expect((await get(`/token?service=${service}`, basic)).status).toBe(429);
  });
});
