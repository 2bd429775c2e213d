// Schema of DATA/registry.db, versioned with PRAGMA user_version. Append, never edit.
export interface Migration {
  version: number;
  statements: string[];
}

export const migrations: Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE repositories (name TEXT PRIMARY KEY, created INTEGER NOT NULL)`,
      `CREATE TABLE blob_links (
        repository TEXT NOT NULL, digest TEXT NOT NULL, size INTEGER NOT NULL,
        created INTEGER NOT NULL, PRIMARY KEY (repository, digest))`,
      `CREATE INDEX blob_links_digest ON blob_links (digest)`,
      `CREATE TABLE manifests (
        repository TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL,
        size INTEGER NOT NULL, content BLOB NOT NULL, subject TEXT, artifact_type TEXT,
        annotations TEXT, created INTEGER NOT NULL, PRIMARY KEY (repository, digest))`,
      `CREATE INDEX manifests_subject ON manifests (repository, subject)`,
      `CREATE TABLE manifest_refs (
        repository TEXT NOT NULL, manifest TEXT NOT NULL, target TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('blob', 'manifest')),
        PRIMARY KEY (repository, manifest, target, kind))`,
      `CREATE INDEX manifest_refs_target ON manifest_refs (target)`,
      `CREATE TABLE tags (
        repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL,
        updated INTEGER NOT NULL, PRIMARY KEY (repository, tag))`,
      `CREATE TABLE uploads (
        id TEXT PRIMARY KEY, repository TEXT NOT NULL, offset INTEGER NOT NULL,
        started INTEGER NOT NULL, updated INTEGER NOT NULL)`,
      `CREATE INDEX uploads_repository ON uploads (repository)`,
    ],
  },
  {
    version: 2,
    statements: [
      // Vulnerability scans of pushed manifests, for project policies (src/server/policy).
      // `inventory` is what was found in the image, so that a new advisory revision is matched
      // again without reading the layers; `revision` is the advisory store's at matching.
      `CREATE TABLE scan_results (
        repository TEXT NOT NULL, digest TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'scanned', 'failed')),
        error TEXT, counts TEXT, findings TEXT, inventory TEXT, revision TEXT,
        updated INTEGER NOT NULL,
        PRIMARY KEY (repository, digest))`,
    ],
  },
];

export const latestVersion = migrations.at(-1)?.version ?? 0;
