// The advisory store on SQLite. Records are kept whole as JSON; each `affected[]` entry is
// also indexed by (ecosystem, index name) so matching reads only the entries it needs.
import { indexName } from '../../advisories/ecosystem.js';
import type { OsvRecord } from '../../advisories/osv.js';
import {
  summarize,
  type AdvisoryStore, type AdvisorySummary, type AdvisoryWriter, type AffectedRow,
  type DbStatus, type SourceState,
} from '../../advisories/store.js';
import { StoreError } from '../errors.js';
import { selectIn, type StatementCache } from './batch.js';
import { beginWrite, openDatabase, type Db } from './database.js';
import { latestVersion } from './migrations.js';

interface PackageRow {
  name?: string;
  advisory_id: string;
  entry: string;
  versions: string | null;
}

function toAffectedRow(row: PackageRow, ecosystem: string): AffectedRow {
  const entry = JSON.parse(row.entry) as AffectedRow['entry'];
  const { versions } = row;
  // A cheap text search first; the list is parsed only when the quoted version occurs in it.
  // A row asked again (kept in memory by a long-lived matcher) keeps the parsed list as a set.
  let asked = 0;
  let listed: Set<string> | undefined;
  const listsVersion = versions === null
    ? (version: string) => entry.versions?.includes(version) === true
    : (version: string) => {
      asked += 1;
      if (listed === undefined && asked > 1) {
        listed = new Set(JSON.parse(versions) as string[]);
      }

      return listed === undefined
        ? versions.includes(JSON.stringify(version))
          && (JSON.parse(versions) as string[]).includes(version)
        : listed.has(version);
    };
  const listedVersions = () => (versions === null ? entry.versions ?? []
    : JSON.parse(versions) as string[]);
  return { advisoryId: row.advisory_id, ecosystem, entry, listsVersion, listedVersions };
}

interface SourceRow {
  name: string;
  url: string | null;
  etag: string | null;
  last_modified: string | null;
  updated_at: string;
  records: number;
}

/**
 * Opens the store in `file`; `write` creates and migrates it.
 * @throws StoreError see openDatabase.
 */
export function openAdvisoryStore(file: string, mode: 'read' | 'write'): AdvisoryStore {
  return new SqliteAdvisoryStore(openDatabase(file, mode));
}

class SqliteAdvisoryStore implements AdvisoryStore {
  private readonly byPackage;
  private readonly state;
  // Prepared `IN (…)` statements by SQL text, shared by the batch reads.
  private readonly statements: StatementCache = new Map();

  constructor(private readonly db: Db) {
    this.byPackage = db.prepare<[string, string], PackageRow>(
      'SELECT advisory_id, entry, versions FROM affected_packages WHERE ecosystem = ? AND name = ?',
    );
    this.state = db.prepare<[], { store_id: string; generation: number }>(
      'SELECT store_id, generation FROM store_state WHERE id = 1',
    );
  }

  affectedFor(ecosystem: string, name: string): AffectedRow[] {
    return this.byPackage.all(ecosystem, name).map((row) => toAffectedRow(row, ecosystem));
  }

  affectedForNames(ecosystem: string, names: Iterable<string>): Map<string, AffectedRow[]> {
    const rows = selectIn<Required<PackageRow>>(this.db, this.statements,
      `SELECT name, advisory_id, entry, versions FROM affected_packages
        WHERE ecosystem = ? AND name IN (?)`, [ecosystem], [...new Set(names)]);
    const found = new Map<string, AffectedRow[]>();
    for (const row of rows) {
      const list = found.get(row.name);
      const affected = toAffectedRow(row, ecosystem);
      if (list === undefined) {
        found.set(row.name, [affected]);
      } else {
        list.push(affected);
      }
    }

    return found;
  }

  indexedNames(ecosystem: string): Set<string> {
    const rows = this.db
      .prepare<[string], string>('SELECT DISTINCT name FROM affected_packages WHERE ecosystem = ?')
      .pluck()
      .all(ecosystem);
    return new Set(rows);
  }

  getSummaries(ids: Iterable<string>): Map<string, AdvisorySummary> {
    const found = new Map<string, AdvisorySummary>();
    const rows = selectIn<{ id: string; summary: string }>(this.db, this.statements,
      'SELECT id, summary FROM advisories WHERE id IN (?)', [], [...new Set(ids)]);
    for (const row of rows) {
      found.set(row.id, JSON.parse(row.summary) as AdvisorySummary);
    }

    return found;
  }

  *allRecords(): Iterable<{ source: string; record: OsvRecord }> {
    const rows = this.db
      .prepare<[], { source: string; record: string }>(
        'SELECT source, record FROM advisories ORDER BY id',
      )
      .iterate();
    for (const row of rows) {
      yield { source: row.source, record: JSON.parse(row.record) as OsvRecord };
    }
  }

  /** @throws StoreError `DB_FAILED` when the revision row is missing (a damaged file). */
  revision(): string {
    const row = this.state.get();
    if (row === undefined) {
      throw new StoreError('DB_FAILED', 'the advisory database has no revision row: '
        + 'remove it and run `moat db update`');
    }

    return `${row.store_id}:${row.generation}`;
  }

  status(): DbStatus {
    const read = this.db.transaction(() => readStatus(this.db));
    return read();
  }

  async write<T>(work: (writer: AdvisoryWriter) => Promise<T>): Promise<T> {
    beginWrite(this.db);
    try {
      const result = await work(createWriter(this.db));
      // Every write moves the revision on, even one that changed nothing: cheaper than
      // tracking changes, and a reader merely reloads.
      this.db.exec('UPDATE store_state SET generation = generation + 1 WHERE id = 1');
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.db.inTransaction) {
        this.db.exec('ROLLBACK');
      }

      throw err;
    }
  }

  close(): void {
    this.db.close();
  }
}

function readStatus(db: Db): DbStatus {
  const total = db.prepare('SELECT COUNT(*) AS n FROM advisories').get() as { n: number };
  const withdrawn = db
    .prepare('SELECT COUNT(*) AS n FROM advisories WHERE withdrawn IS NOT NULL')
    .get() as { n: number };
  const ecosystems = db
    .prepare(`SELECT ecosystem, COUNT(DISTINCT advisory_id) AS records FROM affected_packages
      GROUP BY ecosystem ORDER BY ecosystem`)
    .all() as { ecosystem: string; records: number }[];
  const sources = (db.prepare('SELECT * FROM sources ORDER BY name').all() as SourceRow[])
    .map(toSourceState);
  const lastUpdate = sources.map((s) => s.updatedAt).sort().at(-1);

  return {
    schemaVersion: latestVersion,
    totalRecords: total.n,
    withdrawnRecords: withdrawn.n,
    ecosystems,
    sources,
    ...(lastUpdate === undefined ? {} : { lastUpdate }),
  };
}

function toSourceState(row: SourceRow): SourceState {
  return {
    name: row.name,
    updatedAt: row.updated_at,
    records: row.records,
    ...(row.url === null ? {} : { url: row.url }),
    ...(row.etag === null ? {} : { etag: row.etag }),
    ...(row.last_modified === null ? {} : { lastModified: row.last_modified }),
  };
}

function createWriter(db: Db): AdvisoryWriter {
  const modifiedOf = db.prepare<[string], { modified: string }>(
    'SELECT modified FROM advisories WHERE id = ?',
  );
  const upsert = db.prepare(`INSERT INTO advisories
      (id, modified, withdrawn, source, summary, record) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET modified = excluded.modified,
      withdrawn = excluded.withdrawn, source = excluded.source, summary = excluded.summary,
      record = excluded.record`);
  const dropAffected = db.prepare('DELETE FROM affected_packages WHERE advisory_id = ?');
  const addAffected = db.prepare(`INSERT INTO affected_packages
    (advisory_id, ecosystem, name, entry, versions) VALUES (?, ?, ?, ?, ?)`);
  const sourceOf = db.prepare<[string], SourceRow>('SELECT * FROM sources WHERE name = ?');
  const putSource = db.prepare(`INSERT INTO sources
      (name, url, etag, last_modified, updated_at, records)
      VALUES (?, ?, ?, ?, ?, (SELECT COUNT(*) FROM advisories WHERE source = ?))
    ON CONFLICT (name) DO UPDATE SET url = excluded.url, etag = excluded.etag,
      last_modified = excluded.last_modified, updated_at = excluded.updated_at,
      records = excluded.records`);

  return {
    put(record, source) {
      const stored = modifiedOf.get(record.id);
      if (stored !== undefined && Date.parse(stored.modified) >= Date.parse(record.modified)) {
        return false;
      }

      const withdrawn = record.withdrawn ?? null;
      upsert.run(record.id, record.modified, withdrawn, source,
        JSON.stringify(summarize(record)), JSON.stringify(record));
      dropAffected.run(record.id);
      if (withdrawn !== null) {
        return true;
      }

      for (const entry of record.affected ?? []) {
        if (entry.package === undefined) {
          continue;
        }

        const { ecosystem, name } = entry.package;
        // The full record keeps everything; the index needs only what matching reads.
        const { versions, database_specific: _unused, ...slim } = entry;
        addAffected.run(record.id, ecosystem, indexName(ecosystem, name), JSON.stringify(slim),
          versions === undefined ? null : JSON.stringify(versions));
      }

      return true;
    },
    getSource(name) {
      const row = sourceOf.get(name);
      return row === undefined ? undefined : toSourceState(row);
    },
    setSource(state) {
      putSource.run(state.name, state.url ?? null, state.etag ?? null,
        state.lastModified ?? null, state.updatedAt, state.name);
    },
  };
}
