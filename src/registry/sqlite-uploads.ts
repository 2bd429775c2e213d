// Upload session rows of registry.db (see uploads.ts for what a session is).
import type { UploadSession } from './metadata.js';
import type { Db } from './sqlite-open.js';

interface UploadRow {
  id: string;
  repository: string;
  offset: number;
  started: number;
  updated: number;
}

export class SqliteUploadSessions {
  constructor(private readonly db: Db) {}

  /** Inserts the session unless the repository has `max` sessions active since `since`. */
  create(session: UploadSession, max: number, since: Date): boolean {
    return this.db.transaction(() => {
      const { count } = this.db
        .prepare('SELECT count(*) AS count FROM uploads WHERE repository = ? AND updated >= ?')
        .get(session.repository, since.getTime()) as { count: number };
      if (count >= max) {
        return false;
      }

      this.db
        .prepare(`INSERT INTO uploads (id, repository, offset, started, updated)
          VALUES (?, ?, ?, ?, ?)`)
        .run(session.id, session.repository, session.offset, session.started.getTime(),
          session.updated.getTime());
      return true;
    }).immediate();
  }

  get(repository: string, id: string): UploadSession | undefined {
    const row = this.db
      .prepare('SELECT * FROM uploads WHERE repository = ? AND id = ?')
      .get(repository, id) as UploadRow | undefined;
    return row === undefined ? undefined : toSession(row);
  }

  exists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM uploads WHERE id = ?').get(id) !== undefined;
  }

  setOffset(id: string, offset: number, updated: Date): void {
    this.db
      .prepare('UPDATE uploads SET offset = ?, updated = ? WHERE id = ?')
      .run(offset, updated.getTime(), id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM uploads WHERE id = ?').run(id);
  }

  idleSince(before: Date): UploadSession[] {
    const rows = this.db
      .prepare('SELECT * FROM uploads WHERE updated < ?')
      .all(before.getTime()) as UploadRow[];
    return rows.map(toSession);
  }
}

function toSession(row: UploadRow): UploadSession {
  return {
    id: row.id,
    repository: row.repository,
    offset: row.offset,
    started: new Date(row.started),
    updated: new Date(row.updated),
  };
}
