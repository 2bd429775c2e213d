// RegistryMetadata on SQLite (see metadata.ts). Every multi-row change is one transaction.
import type {
  ListPage,
  ManifestRecord,
  ManifestReferences,
  RegistryMetadata,
  TagRecord,
  UploadSession,
} from './metadata.js';
import type { Statement } from 'better-sqlite3';
import { openRegistryDb, type Db } from './sqlite-open.js';
import { SqliteUploadSessions } from './sqlite-uploads.js';

interface ManifestRow {
  repository: string;
  digest: string;
  media_type: string;
  size: number;
  content: Buffer;
  subject: string | null;
  artifact_type: string | null;
  annotations: string | null;
}

export class SqliteMetadata implements RegistryMetadata {
  private readonly db: Db;
  private readonly sessions: SqliteUploadSessions;
  // The pull path runs these on every request; compiling the SQL each time cost more than the
  // query. Only statements run with get() are kept: an iterate() would hold one busy.
  private readonly reads = new Map<string, Statement>();

  constructor(file: string) {
    this.db = openRegistryDb(file);
    this.sessions = new SqliteUploadSessions(this.db);
  }

  isLinked(repository: string, digest: string): boolean {
    return this.blobSize(repository, digest) !== undefined;
  }

  blobSize(repository: string, digest: string): number | undefined {
    const row = this.read('SELECT size FROM blob_links WHERE repository = ? AND digest = ?')
      .get(repository, digest) as { size: number } | undefined;
    return row?.size;
  }

  link(repository: string, digest: string, size: number, verify: () => boolean): boolean {
    return this.db.transaction(() => {
      if (!verify()) {
        return false;
      }

      this.ensureRepository(repository);
      this.db
        .prepare(`INSERT INTO blob_links (repository, digest, size, created) VALUES (?, ?, ?, ?)
          ON CONFLICT (repository, digest) DO UPDATE SET created = excluded.created`)
        .run(repository, digest, size, Date.now());
      return true;
    }).immediate();
  }

  unlink(repository: string, digest: string): boolean {
    const result = this.db
      .prepare('DELETE FROM blob_links WHERE repository = ? AND digest = ?')
      .run(repository, digest);
    return result.changes > 0;
  }

  getManifest(repository: string, digest: string): ManifestRecord | undefined {
    const row = this.read('SELECT * FROM manifests WHERE repository = ? AND digest = ?')
      .get(repository, digest) as ManifestRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  resolveTag(repository: string, tag: string): string | undefined {
    const row = this.read('SELECT digest FROM tags WHERE repository = ? AND tag = ?')
      .get(repository, tag) as { digest: string } | undefined;
    return row?.digest;
  }

  putManifest(record: ManifestRecord, refs: ManifestReferences, tag?: string): string[] {
    return this.db.transaction(() => {
      const { repository, digest } = record;
      const missing = [
        ...refs.blobs.filter((d) => !this.isLinked(repository, d)),
        ...refs.manifests.filter((d) => this.getManifest(repository, d) === undefined),
      ];
      if (missing.length > 0) {
        return missing;
      }

      this.ensureRepository(repository);
      this.db
        .prepare(`INSERT OR REPLACE INTO manifests (repository, digest, media_type, size, content,
          subject, artifact_type, annotations, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(repository, digest, record.mediaType, record.size, record.content,
          record.subject ?? null, record.artifactType ?? null,
          record.annotations === undefined ? null : JSON.stringify(record.annotations),
          Date.now());
      const insertRef = this.db.prepare(`INSERT OR IGNORE INTO manifest_refs
        (repository, manifest, target, kind) VALUES (?, ?, ?, ?)`);
      refs.blobs.forEach((target) => insertRef.run(repository, digest, target, 'blob'));
      refs.manifests.forEach((target) => insertRef.run(repository, digest, target, 'manifest'));
      if (tag !== undefined) {
        this.db
          .prepare(`INSERT OR REPLACE INTO tags (repository, tag, digest, updated)
            VALUES (?, ?, ?, ?)`)
          .run(repository, tag, digest, Date.now());
      }

      return [];
    }).immediate();
  }

  deleteManifest(repository: string, digest: string): boolean {
    return this.db.transaction(() => {
      const result = this.db
        .prepare('DELETE FROM manifests WHERE repository = ? AND digest = ?')
        .run(repository, digest);
      this.db
        .prepare('DELETE FROM tags WHERE repository = ? AND digest = ?')
        .run(repository, digest);
      this.db
        .prepare('DELETE FROM manifest_refs WHERE repository = ? AND manifest = ?')
        .run(repository, digest);
      return result.changes > 0;
    }).immediate();
  }

  deleteTag(repository: string, tag: string): boolean {
    const result = this.db
      .prepare('DELETE FROM tags WHERE repository = ? AND tag = ?')
      .run(repository, tag);
    return result.changes > 0;
  }

  listTags(repository: string, page: ListPage): string[] | undefined {
    if (!this.hasRepository(repository)) {
      return undefined;
    }

    const rows = this.db
      .prepare(`SELECT tag FROM tags WHERE repository = ? AND tag > ?
        ORDER BY tag COLLATE BINARY LIMIT ?`)
      .all(repository, page.last ?? '', page.n ?? -1) as { tag: string }[];
    return rows.map((row) => row.tag);
  }

  listTagRecords(repository: string, page: ListPage): TagRecord[] | undefined {
    if (!this.hasRepository(repository)) {
      return undefined;
    }

    const rows = this.db
      .prepare(`SELECT t.tag, t.digest, t.updated, m.media_type, m.size FROM tags t
        LEFT JOIN manifests m ON m.repository = t.repository AND m.digest = t.digest
        WHERE t.repository = ? AND t.tag > ? ORDER BY t.tag COLLATE BINARY LIMIT ?`)
      .all(repository, page.last ?? '', page.n ?? -1) as { tag: string; digest: string;
        updated: number; media_type: string | null; size: number | null }[];
    return rows.map((row) => ({ tag: row.tag, digest: row.digest, pushedAt: row.updated,
      ...(row.media_type === null ? {} : { mediaType: row.media_type }),
      ...(row.size === null ? {} : { size: row.size }) }));
  }

  tagCounts(): Map<string, number> {
    const rows = this.db.prepare('SELECT repository, count(*) AS n FROM tags GROUP BY repository')
      .all() as { repository: string; n: number }[];
    return new Map(rows.map((row) => [row.repository, row.n]));
  }

  referrers(repository: string, subject: string): ManifestRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM manifests WHERE repository = ? AND subject = ? ORDER BY digest')
      .all(repository, subject) as ManifestRow[];
    return rows.map(toRecord);
  }

  listRepositories(): string[] {
    const rows = this.db.prepare('SELECT name FROM repositories ORDER BY name').all() as {
      name: string;
    }[];
    return rows.map((row) => row.name);
  }

  createUpload(session: UploadSession, maxPerRepository: number, since: Date): boolean {
    return this.sessions.create(session, maxPerRepository, since);
  }

  getUpload(repository: string, id: string): UploadSession | undefined {
    return this.sessions.get(repository, id);
  }

  uploadExists(id: string): boolean {
    return this.sessions.exists(id);
  }

  setUploadOffset(id: string, offset: number, updated: Date): void {
    this.sessions.setOffset(id, offset, updated);
  }

  deleteUpload(id: string): void {
    this.sessions.delete(id);
  }

  expiredUploads(before: Date): UploadSession[] {
    return this.sessions.idleSince(before);
  }

  collect(digests: string[], before: Date, remove: (digest: string) => boolean): string[] {
    const referenced = this.db.prepare('SELECT 1 FROM manifest_refs WHERE target = ? LIMIT 1');
    const recent = this.db
      .prepare('SELECT 1 FROM blob_links WHERE digest = ? AND created >= ? LIMIT 1');
    const dropLinks = this.db.prepare('DELETE FROM blob_links WHERE digest = ?');
    return this.db.transaction(() => digests.filter((digest) => {
      if (referenced.get(digest) !== undefined || recent.get(digest, before.getTime())) {
        return false;
      }

      if (!remove(digest)) {
        return false;
      }

      dropLinks.run(digest);
      return true;
    })).immediate();
  }

  close(): void {
    this.reads.clear();
    this.db.close();
  }

  private read(sql: string): Statement {
    let statement = this.reads.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.reads.set(sql, statement);
    }

    return statement;
  }

  private hasRepository(repository: string): boolean {
    const row = this.db.prepare('SELECT 1 FROM repositories WHERE name = ?').get(repository);
    return row !== undefined;
  }

  private ensureRepository(repository: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO repositories (name, created) VALUES (?, ?)')
      .run(repository, Date.now());
  }
}

function toRecord(row: ManifestRow): ManifestRecord {
  return {
    repository: row.repository,
    digest: row.digest,
    mediaType: row.media_type,
    size: row.size,
    content: row.content,
    ...(row.subject === null ? {} : { subject: row.subject }),
    ...(row.artifact_type === null ? {} : { artifactType: row.artifact_type }),
    ...(row.annotations === null ? {} : { annotations: JSON.parse(row.annotations) }),
  };
}
