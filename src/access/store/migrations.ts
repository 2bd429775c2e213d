// Schema of DATA/access.db, versioned with PRAGMA user_version. Append new migrations; never
// edit a released one.
export interface Migration {
  version: number;
  statements: string[];
}

export const migrations: Migration[] = [{
  version: 1,
  statements: [
    `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE projects (name TEXT PRIMARY KEY, public INTEGER NOT NULL,
      created_at TEXT NOT NULL)`,
    `CREATE TABLE users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL,
      admin INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)`,
    `CREATE TABLE grants (user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      project TEXT NOT NULL REFERENCES projects(name) ON DELETE CASCADE,
      role TEXT NOT NULL, PRIMARY KEY (user, project, role))`,
    `CREATE TABLE robots (name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
      project TEXT NOT NULL REFERENCES projects(name) ON DELETE CASCADE, role TEXT NOT NULL,
      expires_at TEXT NOT NULL, created_at TEXT NOT NULL)`,
    `CREATE TABLE auth_failures (key TEXT NOT NULL, at INTEGER NOT NULL)`,
    `CREATE INDEX auth_failures_key ON auth_failures (key, at)`,
    `CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, event TEXT NOT NULL,
      subject TEXT, remote_address TEXT, actions TEXT NOT NULL, repository TEXT, digest TEXT,
      decision TEXT NOT NULL, status INTEGER NOT NULL, reason TEXT NOT NULL,
      prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`,
    `CREATE INDEX audit_log_at ON audit_log (at)`,
    // Append-only through SQL; the hash chain catches edits made around these triggers.
    `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
    `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
  ],
}, {
  version: 2,
  statements: [
    // One row per project with a policy; keys are PEM public keys (JSON array).
    `CREATE TABLE project_policies (
      project TEXT PRIMARY KEY REFERENCES projects(name) ON DELETE CASCADE,
      require_keys TEXT NOT NULL DEFAULT '[]', max_severity TEXT,
      immutable_tags INTEGER NOT NULL DEFAULT 0, scan_on_push INTEGER NOT NULL DEFAULT 0,
      updated_at TEXT NOT NULL)`,
  ],
}];

export const latestVersion = Math.max(...migrations.map((m) => m.version));
