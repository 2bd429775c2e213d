// Opens DATA/registry.db: WAL so readers never block the writer, a busy timeout so the
// server and `moat gc` can share it, and migrations applied under the write lock.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MoatError } from '../errors.js';
import { latestVersion, migrations } from './sqlite-migrations.js';

export type Db = Database.Database;

const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens and migrates the registry database.
 * @throws MoatError REGISTRY_DB_TOO_NEW when a newer Moat wrote the file.
 */
export function openRegistryDb(file: string): Db {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');

  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > latestVersion) {
    db.close();
    throw new MoatError('REGISTRY_DB_TOO_NEW', `${file} has schema ${version}, newer than this ` +
      `Moat understands (${latestVersion}): upgrade Moat`);
  }

  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (const migration of migrations.filter((m) => m.version > current)) {
      migration.statements.forEach((statement) => db.exec(statement));
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
  return db;
}
