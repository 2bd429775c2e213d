// Opens the advisory database file: WAL so readers keep a consistent snapshot while one writer
// works, and versioned migrations applied under the write lock.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { latestVersion, migrations } from './migrations.js';

export type Db = Database.Database;

/** How long a writer waits for another writer before giving up with `DB_LOCKED`. */
const busyTimeoutMs = 3_000;

/**
 * Opens (and for writers creates and migrates) the database at `file`.
 * @throws StoreError `DB_MISSING` for a reader when no database exists yet, `DB_TOO_NEW` when
 * the file was written by a newer Moat, `DB_OUTDATED` for a reader of an unmigrated file.
 */
export function openDatabase(file: string, mode: 'read' | 'write'): Db {
  if (mode === 'write') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }

  let db: Db;
  try {
    db = new Database(file, { readonly: mode === 'read', fileMustExist: mode === 'read' });
  } catch (err) {
    throw new StoreError('DB_MISSING', `no advisory database at ${file}: run \`moat db update\` `
      + 'or `moat db import FILE` first', { cause: err });
  }

  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (mode === 'write') {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
  }

  checkVersion(db, file, mode);
  return db;
}

function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkVersion(db: Db, file: string, mode: 'read' | 'write'): void {
  const version = schemaVersion(db);
  if (version > latestVersion) {
    db.close();
    throw new StoreError('DB_TOO_NEW', `${file} has schema ${version}, newer than this Moat `
      + `understands (${latestVersion}): upgrade Moat or use another --cache-dir`);
  }

  if (mode === 'read' && version < latestVersion) {
    db.close();
    throw new StoreError('DB_OUTDATED', `${file} has an old schema: run \`moat db update\``);
  }
}

function migrate(db: Db): void {
  if (schemaVersion(db) >= latestVersion) {
    return;
  }

  runLocked(db, () => {
    const current = schemaVersion(db);
    for (const migration of migrations.filter((m) => m.version > current)) {
      for (const statement of migration.statements) {
        db.exec(statement);
      }

      db.pragma(`user_version = ${migration.version}`);
    }
  });
}

/**
 * Runs synchronous `work` inside BEGIN IMMEDIATE … COMMIT.
 * @throws StoreError `DB_LOCKED` when another writer holds the database.
 */
export function runLocked(db: Db, work: () => void): void {
  beginWrite(db);
  try {
    work();
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

/** @throws StoreError `DB_LOCKED` when another writer holds the database. */
export function beginWrite(db: Db): void {
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY') === true) {
      throw new StoreError('DB_LOCKED', 'another `moat db` import or update is running on this '
        + 'database: wait for it to finish and retry', { cause: err });
    }

    throw new StoreError('DB_FAILED', `cannot start a database write: ${String(err)}`, {
      cause: err,
    });
  }
}
