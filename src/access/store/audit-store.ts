// The append-only audit table. Appends run under BEGIN IMMEDIATE so that the server and CLI
// processes extend one chain without forking it.
import { chainHash, GENESIS_HASH, type AuditEntry, type AuditRow } from '../audit-chain.js';
import type { Db } from './database.js';

interface Row {
  id: number; at: string; event: string; subject: string | null; remote_address: string | null;
  actions: string; repository: string | null; digest: string | null; decision: string;
  status: number; reason: string; prev_hash: string; hash: string;
}

function toAuditRow(row: Row): AuditRow {
  return {
    // Values are kept as stored (not normalised), so the chain check sees any edit.
    id: row.id, at: row.at, event: row.event as AuditRow['event'],
    subject: row.subject ?? undefined, remoteAddress: row.remote_address ?? undefined,
    actions: row.actions, repository: row.repository ?? undefined,
    digest: row.digest ?? undefined, decision: row.decision as AuditRow['decision'],
    status: row.status, reason: row.reason, prevHash: row.prev_hash, hash: row.hash,
  };
}

const MAX_FIELD = 1024;

/** Caps every free-text field so a hostile request cannot bloat the log. */
function capped(value: string | undefined): string | null {
  return value === undefined ? null : value.slice(0, MAX_FIELD);
}

// Limitation: rows are never archived or pruned, so the table grows with every request; export
// with `moat audit-log --format json` and keep the file, since deleting rows breaks the chain.
export class AuditStore {
  constructor(private readonly db: Db) {}

  append(entry: AuditEntry): AuditRow {
    const safe: AuditEntry = { ...entry, subject: capped(entry.subject) ?? undefined,
      remoteAddress: capped(entry.remoteAddress) ?? undefined,
      repository: capped(entry.repository) ?? undefined, digest: capped(entry.digest) ?? undefined,
      reason: entry.reason.slice(0, MAX_FIELD) };
    return this.db.transaction(() => {
      const last = this.db.prepare<[], { id: number; hash: string }>(
        'SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get();
      const id = (last?.id ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      const hash = chainHash(prevHash, id, safe);
      this.db.prepare('INSERT INTO audit_log (id, at, event, subject, remote_address, actions, '
        + 'repository, digest, decision, status, reason, prev_hash, hash) '
        + 'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(id, safe.at, safe.event,
        safe.subject ?? null, safe.remoteAddress ?? null, safe.actions, safe.repository ?? null,
        safe.digest ?? null, safe.decision, safe.status, safe.reason, prevHash, hash);
      return { ...safe, id, prevHash, hash };
    }).immediate();
  }

  /** Rows in id order, optionally only those at or after `since` (ISO time). */
  *rows(since?: string): Generator<AuditRow> {
    const iterator = since === undefined
      ? this.db.prepare<[], Row>('SELECT * FROM audit_log ORDER BY id').iterate()
      : this.db.prepare<[string], Row>('SELECT * FROM audit_log WHERE at >= ? ORDER BY id')
        .iterate(since);
    for (const row of iterator) {
      yield toAuditRow(row);
    }
  }

  /** Up to `limit` rows in id order that match the filter. */
  page(filter: AuditPageFilter): AuditRow[] {
    const where = ['id > ?'];
    const values: (string | number)[] = [filter.afterId ?? 0];
    if (filter.since !== undefined) {
      where.push('at >= ?');
      values.push(filter.since);
    }

    if (filter.subject !== undefined) {
      where.push('subject = ?');
      values.push(filter.subject);
    }

    values.push(filter.limit);
    return this.db.prepare<(string | number)[], Row>(`SELECT * FROM audit_log WHERE `
      + `${where.join(' AND ')} ORDER BY id LIMIT ?`).all(...values).map(toAuditRow);
  }
}

export interface AuditPageFilter {
  /** Only rows with an id above this (the cursor of the previous page). */
  afterId?: number;
  /** Only rows at or after this ISO time. */
  since?: string;
  /** Only rows with exactly this subject. */
  subject?: string;
  limit: number;
}

export class FailureStore {
  constructor(private readonly db: Db) {}

  record(keys: string[], at: number): void {
    const insert = this.db.prepare('INSERT INTO auth_failures (key, at) VALUES (?, ?)');
    this.db.transaction(() => keys.forEach((key) => insert.run(key, at))).immediate();
  }

  since(key: string, from: number): number[] {
    return this.db.prepare<[string, number], { at: number }>(
      'SELECT at FROM auth_failures WHERE key = ? AND at > ? ORDER BY at').all(key, from)
      .map((row) => row.at);
  }

  clear(key: string): void {
    this.db.prepare('DELETE FROM auth_failures WHERE key = ?').run(key);
  }

  prune(before: number): void {
    this.db.prepare('DELETE FROM auth_failures WHERE at <= ?').run(before);
  }
}
