import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAccess } from '../../access/policy.js';
import { basicAuth, runMoat } from '../../access/__tests__/cli.js';
import { makeTempDir } from '../../testing/requirements.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('user-cli'));
});

afterEach(async () => {
  await cleanup();
});

const moat = (args: string[], input = '') => runMoat([...args, '--data', dir], input);

describe('moat user, robot and project', () => {
  it('lists what was created, as table and JSON', async () => {
    expect((await moat(['project', 'create', 'payments'])).out)
      .toBe('created private project payments\n');
    await moat(['project', 'create', 'base', '--public']);
    await moat(['user', 'add', 'alice', '--password-stdin'], 'a-long-password\n');
    await moat(['user', 'grant', 'alice', 'maintainer', 'payments']);
    expect((await moat(['user', 'list'])).out).toBe('alice\tmaintainer@payments\n');
    expect(JSON.parse((await moat(['project', 'list', '--format', 'json'])).out)).toEqual([
      { name: 'base', public: true }, { name: 'payments', public: false }]);
    expect((await moat(['user', 'revoke', 'alice', 'maintainer', 'payments'])).code).toBe(0);
    expect((await moat(['user', 'list'])).out).toBe('alice\t-\n');
    await moat(['robot', 'add', 'ci', '--project', 'payments', '--role', 'reader',
      '--expires', '2099-01-01']);
    const changes = JSON.parse((await moat(['audit-log', '--format', 'json'])).out) as
      { event: string; actions: string; reason: string }[];
    expect(changes.map((c) => c.actions)).toEqual(['project create', 'project create',
      'user add', 'user grant', 'user revoke', 'robot add']);
    expect(changes.every((c) => c.event === 'admin')).toBe(true);
    expect(JSON.stringify(changes)).not.toContain('a-long-password');
    expect((await moat(['robot', 'list'])).out)
      .toBe('robot/ci\treader@payments\texpires 2099-01-01T00:00:00.000Z\n');
  });

  it.each([
    [['user', 'add', 'Alice']],
    [['user', 'add', 'a'.repeat(65)]],
    [['user', 'add', '../x']],
    [['project', 'create', 'pay/ments']],
    [['user', 'grant', 'ghost', 'reader', 'payments']],
    [['user', 'grant', 'alice', 'owner', 'payments']],
    [['user', 'revoke', 'alice', 'reader', 'payments']],
    [['robot', 'add', 'ci', '--project', 'payments', '--role', 'reader', '--expires',
      '2001-01-01']],
    [['robot', 'add', 'ci', '--project', 'payments', '--role', 'reader', '--expires', 'soon']],
    [['robot', 'add', 'ci', '--project', 'nowhere', '--role', 'reader', '--expires',
      '2099-01-01']],
  ])('refuses %j with exit 2 and a message', async (args) => {
    await moat(['project', 'create', 'payments']);
    await moat(['user', 'add', 'alice']);
    const result = await moat(args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/error/);
  });

  it('refuses to remove the only admin, or someone unknown', async () => {
    const access = await openAccess(dir, { realm: 'r', service: 's', adminPassword: 'admin-p-1' });
    await access.close();
    expect((await moat(['user', 'remove', 'admin'])).err).toContain('[LAST_ADMIN]');
    expect((await moat(['user', 'remove', 'ghost'])).code).toBe(2);
    expect((await moat(['robot', 'remove', 'ghost'])).code).toBe(2);
    expect((await moat(['user', 'list'])).out).toBe('admin (admin)\t-\n');
  });

  it.each([
    ['', 'empty stdin'],
    ['short\n', 'too short'],
    [`${'x'.repeat(2000)}\n`, 'longer than the line limit'],
  ])('refuses --password-stdin input %#: %s', async (input) => {
    const result = await moat(['user', 'add', 'bob', '--password-stdin'], input);
    expect(result.code).toBe(2);
    expect((await moat(['user', 'list'])).out).toBe('');
  });

  it('reads only the first line of stdin as the password', async () => {
    await moat(['user', 'add', 'bob', '--password-stdin'], 'first-line-pass\nsecond\n');
    await moat(['project', 'create', 'p']);
    await moat(['user', 'grant', 'bob', 'reader', 'p']);
    const access = await openAccess(dir, { realm: 'r', service: 's', adminPassword: 'admin-p-1' });
    try {
      expect(await access.policy.authorize({ authorization: basicAuth('bob', 'first-line-pass'),
        repository: 'p/x', actions: ['pull'] })).toMatchObject({ status: 200 });
    } finally {
      await access.close();
    }
  });

  it('works while the server and a reader hold the database', async () => {
    const access = await openAccess(dir, { realm: 'r', service: 's', adminPassword: 'admin-p-1' });
    const reader = new Database(join(dir, 'access.db'));
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM users').get();
      await moat(['project', 'create', 'p']);
      expect((await moat(['user', 'add', 'carol', '--password-stdin'], 'carol-password\n'))
        .code).toBe(0);
      expect((await moat(['user', 'grant', 'carol', 'publisher', 'p'])).code).toBe(0);
      expect(await access.policy.authorize({ authorization: basicAuth('carol', 'carol-password'),
        repository: 'p/app', actions: ['pull', 'push'] })).toMatchObject({ status: 200 });
    } finally {
      reader.exec('COMMIT');
      reader.close();
      await access.close();
    }
  });
});

describe('moat audit-log', () => {
  async function withDecisions(): Promise<void> {
    const access = await openAccess(dir, { realm: 'r', service: 's', adminPassword: 'admin-p-1',
      now: () => new Date('2026-12-03T10:00:00Z') });
    await moat(['project', 'create', 'p']);
    for (const actions of [['pull'], ['push'], ['delete']] as const) {
      await access.policy.authorize({ repository: 'p/app', actions: [...actions] });
    }

    await access.close();
  }

  it('prints rows as a table and filters by --since', async () => {
    await withDecisions();
    const table = (await moat(['audit-log'])).out.split('\n');
    expect(table[0]).toMatch(/^ID\tTIME\tEVENT\tSUBJECT/);
    expect(table[1]).toMatch(/\tadmin\tcli:\S+\t-\tproject create\tp\t/);
    expect(table[2]).toContain('(anonymous)');
    expect(table[2]).toContain('deny 401');
    // The decisions are dated 10:00; only the project, made by the CLI just now, is later.
    const since = (await moat(['audit-log', '--since', '2026-12-03T10:00:01Z'])).out.split('\n');
    expect(since).toHaveLength(3);
    expect(since[1]).toContain('project create');
  });

  it('verifies the chain and names the first tampered row', async () => {
    await withDecisions();
    expect((await moat(['audit-log', '--verify'])).out).toBe('audit log intact: 4 rows\n');

    const db = new Database(join(dir, 'access.db'));
    expect(() => db.prepare('UPDATE audit_log SET decision = ? WHERE id = 2').run('allow'))
      .toThrow(/append-only/);
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare('UPDATE audit_log SET decision = ? WHERE id = 2').run('allow');
    db.close();

    const result = await moat(['audit-log', '--verify']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('audit log broken at row 2');
  });
});
