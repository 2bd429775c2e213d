// Project policies in the access database. Updates are read-modify-write under the write lock
// (BEGIN IMMEDIATE), so concurrent `moat project policy` runs never lose each other's change.
import { AccessError } from '../errors.js';
import {
  applyChange, emptyPolicy, type PolicyChange, type ProjectPolicy,
} from '../project-policy.js';
import { parseSeverity } from '../../match/severity.js';
import type { Db } from './database.js';

interface Row {
  project: string; require_keys: string; max_severity: string | null; immutable_tags: number;
  scan_on_push: number; updated_at: string;
}

function toPolicy(row: Row): ProjectPolicy {
  const keys = JSON.parse(row.require_keys) as unknown;
  const severity = row.max_severity === null ? undefined : parseSeverity(row.max_severity);
  return {
    project: row.project,
    requireSignature: Array.isArray(keys) ? keys.filter((k) => typeof k === 'string') : [],
    // An unreadable severity must not lift the gate: it falls back to the strictest.
    ...(row.max_severity === null ? {} : { maxSeverity: severity ?? 'unknown' }),
    immutableTags: row.immutable_tags === 1,
    scanOnPush: row.scan_on_push === 1,
    updatedAt: row.updated_at,
  };
}

export class PolicyStore {
  constructor(private readonly db: Db) {}

  /** The project's policy (the empty one when none was set); undefined for no such project. */
  get(project: string): ProjectPolicy | undefined {
    const row = this.db.prepare<[string], Row>('SELECT * FROM project_policies WHERE project = ?')
      .get(project);
    if (row !== undefined) {
      return toPolicy(row);
    }

    const known = this.db.prepare<[string], { name: string }>(
      'SELECT name FROM projects WHERE name = ?').get(project);
    return known === undefined ? undefined : emptyPolicy(project);
  }

  /**
   * Applies `change` atomically and returns the old and new policy.
   * @throws AccessError `PROJECT_UNKNOWN`, `TOO_MANY_KEYS`.
   */
  update(project: string, change: PolicyChange, now: Date):
    { before: ProjectPolicy; after: ProjectPolicy } {
    return this.db.transaction(() => {
      const before = this.get(project);
      if (before === undefined) {
        throw new AccessError('PROJECT_UNKNOWN',
          `no project ${project}: create it with \`moat project create ${project}\``);
      }

      const after = { ...applyChange(before, change), updatedAt: now.toISOString() };
      this.db.prepare(`INSERT OR REPLACE INTO project_policies (project, require_keys,
        max_severity, immutable_tags, scan_on_push, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(project, JSON.stringify(after.requireSignature), after.maxSeverity ?? null,
          after.immutableTags ? 1 : 0, after.scanOnPush ? 1 : 0, after.updatedAt);
      return { before, after };
    }).immediate();
  }
}
