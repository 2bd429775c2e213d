import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/requirements.js';
import { openAccess, type OpenedAccess } from './policy.js';
import { basicAuth, runMoat } from './__tests__/cli.js';

const options = { realm: 'https://moat.test/token', service: 'moat.test' };
let dir: string;
let cleanup: () => Promise<void>;
let clock: Date;
let access: OpenedAccess;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('lockout'));
  clock = new Date('2026-12-03T10:00:00Z');
  access = await openAccess(dir, { ...options, now: () => clock, adminPassword: 'admin-pass-1' });
  await runMoat(['project', 'create', 'payments', '--data', dir]);
});

afterEach(async () => {
  await access.close();
  await cleanup();
});

const pull = (authorization: string, remoteAddress = '10.0.0.1') => access.policy.authorize({
  authorization, remoteAddress, repository: 'payments/app', actions: ['pull'] });

describe('failed password attempts', () => {
  it('lock the user out after five failures, even with the right password', async () => {
    for (let i = 0; i < 5; i += 1) {
      expect((await pull(basicAuth('admin', `guess-${i}`))).status).toBe(401);
    }

    const locked = await pull(basicAuth('admin', 'admin-pass-1'), '10.0.0.2');
    expect(locked).toMatchObject({ allowed: false, status: 429, errorCode: 'TOOMANYREQUESTS',
      retryAfterSeconds: 60 });
    const token = await access.tokens.handle({ service: options.service },
      basicAuth('admin', 'admin-pass-1'), '10.0.0.3');
    expect(token).toMatchObject({ status: 429, headers: { 'retry-after': '60' } });

    clock = new Date(clock.getTime() + 61_000);
    expect(await pull(basicAuth('admin', 'admin-pass-1'))).toMatchObject({ status: 200 });
  });

  it('lock out an address that guesses many user names', async () => {
    for (let i = 0; i < 5; i += 1) {
      await pull(basicAuth(`user${i}`, 'wrong-password'), '192.0.2.7');
    }

    expect((await pull(basicAuth('admin', 'admin-pass-1'), '192.0.2.7')).status).toBe(429);
    expect((await pull(basicAuth('admin', 'admin-pass-1'), '192.0.2.8')).status).toBe(200);
  });

  it('are recorded in the audit log', async () => {
    for (let i = 0; i < 6; i += 1) {
      await pull(basicAuth('admin', 'wrong-password'));
    }

    const rows = JSON.parse((await runMoat(['audit-log', '--format', 'json', '--data', dir]))
      .out) as { status: number; subject?: string; reason: string }[];
    expect(rows.filter((r) => r.status === 401)).toHaveLength(5);
    expect(rows.at(-1)).toMatchObject({ status: 429, subject: 'admin' });
    expect(JSON.stringify(rows)).not.toContain('wrong-password');
  });
});

describe('the first start', () => {
  it('creates admin with a generated password, returned once', async () => {
    const fresh = await makeTempDir('first');
    const saved = process.env.MOAT_ADMIN_PASSWORD;
    delete process.env.MOAT_ADMIN_PASSWORD;
    try {
      const first = await openAccess(fresh.dir, options);
      const password = first.initialAdminPassword ?? '';
      expect(password.length).toBeGreaterThanOrEqual(24);
      await first.close();
      const second = await openAccess(fresh.dir, options);
      expect(second.initialAdminPassword).toBeUndefined();
      await runMoat(['project', 'create', 'p', '--data', fresh.dir]);
      expect(await second.policy.authorize({ authorization: basicAuth('admin', password),
        repository: 'p/x', actions: ['delete'] })).toMatchObject({ status: 200 });
      await second.close();
    } finally {
      process.env.MOAT_ADMIN_PASSWORD = saved;
      if (saved === undefined) delete process.env.MOAT_ADMIN_PASSWORD;
      await fresh.cleanup();
    }
  });

  it('keeps the database and the signing key readable by their owner only', async () => {
    for (const file of ['access.db', 'access.db-wal', 'token-signing-key.pem']) {
      expect(((await stat(join(dir, file))).mode & 0o777).toString(8)).toBe('600');
    }
  });

  it('takes the admin password from the options and returns none', () => {
    expect(access.initialAdminPassword).toBeUndefined();
  });

  it('refuses a too short admin password', async () => {
    const fresh = await makeTempDir('short');
    try {
      await expect(openAccess(fresh.dir, { ...options, adminPassword: 'short' }))
        .rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
    } finally {
      await fresh.cleanup();
    }
  });
});
