// Versioned schema of the advisory database. SQL stays portable (TEXT/INTEGER columns,
// `ON CONFLICT … DO UPDATE`) so the same statements can back a PostgreSQL store later.
// A migration is never edited once released; a change is a new entry at the end.

export interface Migration {
  version: number;
  statements: string[];
}

export const migrations: Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE advisories (
        id TEXT PRIMARY KEY,
        modified TEXT NOT NULL,
        withdrawn TEXT,
        source TEXT NOT NULL,
        summary TEXT NOT NULL,
        record TEXT NOT NULL
      )`,
      `CREATE TABLE affected_packages (
        advisory_id TEXT NOT NULL REFERENCES advisories (id),
        ecosystem TEXT NOT NULL,
        name TEXT NOT NULL,
        entry TEXT NOT NULL
      )`,
      'CREATE INDEX affected_by_package ON affected_packages (ecosystem, name)',
      'CREATE INDEX affected_by_advisory ON affected_packages (advisory_id)',
      `CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        url TEXT,
        etag TEXT,
        last_modified TEXT,
        updated_at TEXT NOT NULL,
        records INTEGER NOT NULL
      )`,
    ],
  },
  {
    // `versions[]` lists move to their own column: matching then parses them only when the
    // installed version appears in the text, which keeps large Debian lists off the hot path.
    version: 2,
    statements: ['ALTER TABLE affected_packages ADD COLUMN versions TEXT'],
  },
  {
    // A revision that every committed write moves on, so a process that keeps advisories in
    // memory can tell cheaply whether they are still what the file holds. The random id tells
    // one database file from another that happens to be at the same generation.
    version: 3,
    statements: [
      `CREATE TABLE store_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        store_id TEXT NOT NULL,
        generation INTEGER NOT NULL
      )`,
      `INSERT INTO store_state (id, store_id, generation)
        VALUES (1, lower(hex(randomblob(16))), 0)`,
    ],
  },
];

export const latestVersion = migrations.at(-1)?.version ?? 0;
