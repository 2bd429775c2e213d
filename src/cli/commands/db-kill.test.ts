import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMoat } from '../../posture/testing/cli.js';
import { openAdvisoryStore } from '../../store/sqlite/advisory-store.js';
import { makeTempDir } from '../../testing/requirements.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const vulndata = resolve(repo, '..', 'shared', 'vulndata');
const cli = join(repo, 'bin', 'moat');
const built = existsSync(join(repo, 'dist', 'cli', 'main.js'));
if (!built) {
  console.log('skipping the kill-during-import test: needs a build (npm run build)');
}

describe.skipIf(!built || !existsSync(vulndata))('a killed import', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => (temp = await makeTempDir('db-kill')));
  afterAll(() => temp.cleanup());

  it('leaves the previous database intact and usable', async () => {
    const cache = join(temp.dir, 'cache');
    const first = await runMoat(['db', 'import', join(vulndata, 'npm.jsonl'),
      '--cache-dir', cache]);
    expect(first.code).toBe(0);

    const child = spawn(process.execPath, [cli, 'db', 'import', join(vulndata, 'debian-12.jsonl'),
      '--cache-dir', cache], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>(
      (done) => child.on('exit', (_c, s) => done(s)));
    const wal = join(cache, 'advisories.db-wal');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(existsSync(wal) && statSync(wal).size > 8 * 1024 * 1024)) {
      await new Promise((done) => setTimeout(done, 20));
    }

    if (child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
    }

    expect(await exited).toBe('SIGKILL');
    const store = openAdvisoryStore(join(cache, 'advisories.db'), 'read');
    try {
      expect(store.status()).toMatchObject({ totalRecords: 3_778, sources: [{ name: 'local' }] });
      expect(store.affectedFor('Debian:12', 'glibc')).toEqual([]);
      expect(store.affectedFor('npm', 'lodash').length).toBeGreaterThan(5);
    } finally {
      store.close();
    }
  });
});
