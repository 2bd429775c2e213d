import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/requirements.js';
import { openAccess, type OpenedAccess, type RegistryAction } from './policy.js';
import { basicAuth, jwtPayload, runMoat } from './__tests__/cli.js';

const realm = 'https://moat.test/token';
const service = 'moat.test';
const alicePassword = 'correct horse battery staple';
let dir: string;
let cleanup: () => Promise<void>;
let access: OpenedAccess;
let clock = new Date();
let ritaPassword: string;
let robotToken: string;

async function cli(...args: string[]): Promise<string> {
  const input = args.includes('--password-stdin') ? `${alicePassword}\n` : '';
  const result = await runMoat([...args, '--data', dir], input);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return result.out;
}

async function tokenFor(authorization: string | undefined, ...scope: string[]):
  Promise<string> {
  const response = await access.tokens.handle({ service, scope }, authorization, '10.0.0.1');
  expect(response.status).toBe(200);
  return (response.body as { token: string }).token;
}

function authorize(authorization: string | undefined, repository: string | undefined,
  ...actions: RegistryAction[]) {
  return access.policy.authorize({ authorization, repository, actions, remoteAddress: '10.0.0.1',
    digest: 'sha256:abc' });
}

const alice = (): string => basicAuth('alice', alicePassword);

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('access'));
  await cli('project', 'create', 'payments');
  await cli('project', 'create', 'base', '--public');
  await cli('user', 'add', 'alice', '--password-stdin');
  await cli('user', 'grant', 'alice', 'publisher', 'payments');
  ritaPassword = /password \(shown only now\): (\S+)/.exec(await cli('user', 'add', 'rita'))?.[1]
    ?? '';
  await cli('user', 'grant', 'rita', 'reader', 'payments');
  await cli('user', 'add', 'nogrant', '--password-stdin');
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
  robotToken = /token \(shown only now\): (\S+)/.exec(await cli('robot', 'add', 'ci',
    '--project', 'payments', '--role', 'publisher', '--expires', tomorrow))?.[1] ?? '';
  access = await openAccess(dir, { realm, service, now: () => clock,
    adminPassword: 'admin-pass-1' });
});

afterAll(async () => {
  await access.close();
  await cleanup();
});

describe('the Docker token flow', () => {
  it('gives a publisher a token to pull and push in its project', async () => {
    const token = await tokenFor(alice(), 'repository:payments/ledger:pull,push');
    expect(jwtPayload(token)).toMatchObject({ iss: realm, aud: service, sub: 'alice',
      access: [{ type: 'repository', name: 'payments/ledger', actions: ['pull', 'push'] }] });
    expect(await authorize(`Bearer ${token}`, 'payments/ledger', 'pull', 'push'))
      .toMatchObject({ allowed: true, status: 200, subject: 'alice', granted: ['pull', 'push'] });
  });

  it('cuts a reader\'s token down to pull, and refuses push as insufficient scope', async () => {
    const token = await tokenFor(basicAuth('rita', ritaPassword),
      'repository:payments/ledger:pull,push', 'repository:cards/x:pull');
    expect(jwtPayload(token).access).toEqual([{ type: 'repository', name: 'payments/ledger',
      actions: ['pull'] }]);
    expect(await authorize(`Bearer ${token}`, 'payments/ledger', 'pull')).toMatchObject({
      allowed: true });
    const push = await authorize(`Bearer ${token}`, 'payments/ledger', 'push');
    expect(push).toMatchObject({ allowed: false, status: 403, errorCode: 'INSUFFICIENT_SCOPE' });
    expect(push.challenge).toContain('error="insufficient_scope"');
  });

  it('denies a user without a grant, by Basic auth or token', async () => {
    const auth = basicAuth('nogrant', alicePassword);
    expect(jwtPayload(await tokenFor(auth, 'repository:payments/ledger:pull')).access)
      .toEqual([]);
    expect(await authorize(auth, 'payments/ledger', 'pull')).toMatchObject({
      allowed: false, status: 403, errorCode: 'DENIED', subject: 'nogrant' });
  });

  it('lets anyone pull from a public project, but not push', async () => {
    expect(await authorize(undefined, 'base/debian', 'pull')).toMatchObject({
      allowed: true, status: 200, subject: undefined });
    const push = await authorize(undefined, 'base/debian', 'pull', 'push');
    expect(push).toMatchObject({ allowed: false, status: 401, errorCode: 'UNAUTHORIZED',
      challenge: `Bearer realm="${realm}",service="${service}",`
        + 'scope="repository:base/debian:pull,push"' });
    const token = await tokenFor(undefined, 'repository:base/debian:pull,push',
      'repository:payments/ledger:pull');
    expect(jwtPayload(token).access).toEqual([{ type: 'repository', name: 'base/debian',
      actions: ['pull'] }]);
    expect(await authorize(`Bearer ${token}`, 'base/debian', 'push')).toMatchObject({
      status: 401 });
  });

  it('challenges anonymous requests to private projects and to /v2/', async () => {
    expect(await authorize(undefined, 'payments/ledger', 'pull')).toMatchObject({ status: 401,
      challenge: `Bearer realm="${realm}",service="${service}",`
        + 'scope="repository:payments/ledger:pull"' });
    expect((await authorize(undefined, undefined)).challenge)
      .toBe(`Bearer realm="${realm}",service="${service}"`);
    expect(await authorize(alice(), undefined)).toMatchObject({ status: 200, subject: 'alice' });
    expect((await authorize(undefined, 'payments/ledger')).status).toBe(401);
  });

  it('refuses an unknown project with 403 and says it does not exist', async () => {
    expect(await authorize(basicAuth('admin', 'admin-pass-1'), 'nowhere/x', 'push'))
      .toMatchObject({ status: 403, reason: 'project nowhere does not exist' });
  });

  it('scopes a robot token to its project', async () => {
    const auth = basicAuth('robot/ci', robotToken);
    expect(await authorize(auth, 'payments/ledger', 'pull', 'push')).toMatchObject({
      allowed: true, subject: 'robot/ci' });
    expect(await authorize(auth, 'base/debian', 'push')).toMatchObject({ status: 403 });
    const token = await tokenFor(auth, 'repository:payments/app:push',
      'repository:base/x:push');
    expect(jwtPayload(token).access).toEqual([{ type: 'repository', name: 'payments/app',
      actions: ['push'] }]);
  });

  it('accepts a user password that merely looks like a robot token', async () => {
    const password = 'moat_rbt_only-a-password';
    await runMoat(['user', 'add', 'odd', '--password-stdin', '--data', dir], `${password}\n`);
    await cli('user', 'grant', 'odd', 'reader', 'payments');
    expect((await authorize(basicAuth('odd', password), 'payments/x', 'pull')).status).toBe(200);
    expect((await authorize(basicAuth('robot/ci', password), 'payments/x', 'pull')).status)
      .toBe(401);
  });

  it('refuses an expired robot', async () => {
    const saved = clock;
    clock = new Date(Date.now() + 2 * 86_400_000);
    try {
      expect(await authorize(basicAuth('robot/ci', robotToken), 'payments/app', 'pull'))
        .toMatchObject({ status: 401, reason: expect.stringContaining('expired') as string });
    } finally {
      clock = saved;
    }
  });

  it('ends a revoked grant at once, for cached logins and live tokens alike', async () => {
    await cli('user', 'add', 'temp', '--password-stdin');
    await cli('user', 'grant', 'temp', 'publisher', 'payments');
    const auth = basicAuth('temp', alicePassword);
    expect((await authorize(auth, 'payments/x', 'push')).status).toBe(200);
    const token = await tokenFor(auth, 'repository:payments/x:push');
    await cli('user', 'revoke', 'temp', 'publisher', 'payments');
    expect(await authorize(auth, 'payments/x', 'push')).toMatchObject({ status: 403,
      errorCode: 'DENIED' });
    expect(await authorize(`Bearer ${token}`, 'payments/x', 'push')).toMatchObject({
      status: 403, errorCode: 'DENIED' });
  });

  it('refuses a removed robot and the tokens of a removed user', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const robot = /token \(shown only now\): (\S+)/.exec(await cli('robot', 'add', 'gone',
      '--project', 'payments', '--role', 'reader', '--expires', tomorrow))?.[1] ?? '';
    expect((await authorize(basicAuth('robot/gone', robot), 'payments/x', 'pull')).status)
      .toBe(200);
    await cli('robot', 'remove', 'gone');
    expect((await authorize(basicAuth('robot/gone', robot), 'payments/x', 'pull')).status)
      .toBe(401);

    await cli('user', 'add', 'leaver', '--password-stdin');
    await cli('user', 'grant', 'leaver', 'reader', 'payments');
    const token = await tokenFor(basicAuth('leaver', alicePassword), 'repository:payments/x:pull');
    await cli('user', 'remove', 'leaver');
    expect(await authorize(`Bearer ${token}`, 'payments/x', 'pull')).toMatchObject({
      status: 401, reason: 'token subject no longer exists or has expired' });
  });

  it('filters the catalog to what the caller may pull', async () => {
    const all = ['base/debian', 'payments/ledger', 'cards/pan'];
    expect(await access.policy.visibleRepositories(undefined, all)).toEqual(['base/debian']);
    expect(await access.policy.visibleRepositories(basicAuth('rita', ritaPassword), all))
      .toEqual(['base/debian', 'payments/ledger']);
  });
});

describe('bad tokens', () => {
  const claims = { access: [{ type: 'repository', name: 'payments/ledger', actions: ['pull'] }] };

  it('refuses a token signed by another key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const seconds = Math.floor(clock.getTime() / 1000);
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(realm).setAudience(service).setSubject('alice').setIssuedAt(seconds)
      .setExpirationTime(seconds + 300).sign(privateKey);
    const decision = await authorize(`Bearer ${forged}`, 'payments/ledger', 'pull');
    expect(decision).toMatchObject({ status: 401, errorCode: 'UNAUTHORIZED',
      reason: 'token signature invalid' });
    expect(decision.challenge).toContain('error="invalid_token"');
  });

  it('refuses an expired token', async () => {
    const token = await tokenFor(alice(), 'repository:payments/ledger:pull');
    const saved = clock;
    clock = new Date(saved.getTime() + 6 * 60_000);
    try {
      expect(await authorize(`Bearer ${token}`, 'payments/ledger', 'pull')).toMatchObject({
        status: 401, reason: 'token expired' });
    } finally {
      clock = saved;
    }
  });

  it('refuses a token for another service', async () => {
    const other = await openAccess(dir, { realm, service: 'other.test', now: () => clock });
    try {
      const response = await other.tokens.handle({ scope: 'repository:payments/ledger:pull' },
        alice());
      const { token } = response.body as { token: string };
      expect(await authorize(`Bearer ${token}`, 'payments/ledger', 'pull')).toMatchObject({
        status: 401, reason: 'token claim aud invalid' });
    } finally {
      await other.close();
    }
  });

  it.each([
    [{ service, scope: 'repository:payments/ledger' }, 400],
    [{ service: 'elsewhere', scope: 'repository:payments/ledger:pull' }, 400],
  ])('answers a bad token request %j with %i', async (query, status) => {
    expect((await access.tokens.handle(query, alice())).status).toBe(status);
  });

  it('refuses a wrong password at the token endpoint', async () => {
    const response = await access.tokens.handle({ service }, basicAuth('alice', 'nope'),
      '10.9.9.9');
    expect(response).toMatchObject({ status: 401, headers: { 'www-authenticate':
      'Basic realm="moat"' } });
  });
});

describe('secrets', () => {
  it('records allowed and denied decisions without passwords or tokens', async () => {
    const token = await tokenFor(alice(), 'repository:payments/ledger:pull');
    await authorize(`Bearer ${token}`, 'payments/ledger', 'pull');
    const out = (await runMoat(['audit-log', '--format', 'json', '--data', dir])).out;
    const rows = JSON.parse(out) as { decision: string; digest?: string; status: number }[];
    expect(rows.some((r) => r.decision === 'allow' && r.digest === 'sha256:abc')).toBe(true);
    expect(rows.some((r) => r.decision === 'deny' && r.status === 403)).toBe(true);
    const files = await Promise.all(['access.db', 'access.db-wal'].map((f) =>
      readFile(join(dir, f)).catch(() => Buffer.alloc(0))));
    for (const secret of [alicePassword, ritaPassword, robotToken, token, 'admin-pass-1']) {
      expect(files.some((f) => f.includes(secret))).toBe(false);
      expect(out).not.toContain(secret);
    }
  });
});
