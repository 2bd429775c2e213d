// Opens DATA/access.db: WAL so the CLI can change users while the server reads, a busy
// timeout so concurrent writers wait instead of failing, migrations under the write lock.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AccessError } from '../errors.js';
import { latestVersion, migrations } from './migrations.js';

export type Db = Database.Database;

export const ACCESS_DB = 'access.db';
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating and migrating) the access database in `dataDir`.
 * @throws AccessError `DB_OPEN` when the file cannot be opened, `DB_TOO_NEW` when a newer
 * Moat wrote it.
 */
export function openAccessDb(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, ACCESS_DB);
  let db: Db;
  try {
    db = new Database(file);
  } catch (cause) {
    throw new AccessError('DB_OPEN', `cannot open ${file}: check --data and its permissions`,
      { cause });
  }

  // Password hashes live here: owner only. SQLite gives the -wal and -shm files the same mode.
  try {
    chmodSync(file, 0o600);
  } catch (cause) {
    db.close();
    throw new AccessError('DB_OPEN', `cannot restrict ${file} to its owner: run Moat as the `
      + 'owner of the data dir', { cause });
  }

  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db, file);
  return db;
}

function migrate(db: Db, file: string): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > latestVersion) {
      throw new AccessError('DB_TOO_NEW', `${file} has schema ${current}, newer than this Moat `
        + `understands (${latestVersion}): upgrade Moat`);
    }

    for (const migration of migrations.filter((m) => m.version > current)) {
      migration.statements.forEach((statement) => db.exec(statement));
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}
