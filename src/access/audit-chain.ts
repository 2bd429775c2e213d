// The audit log's hash chain: each row stores sha256(previous hash || canonical row), so an
// edited, inserted or deleted row breaks every hash after it. Pure: rows in, verdict out.
import { createHash } from 'node:crypto';

export interface AuditEntry {
  at: string;
  /**
   * A registry decision, a token request, an account change (CLI or API), a decision on a
   * JSON API request, or a refusal by a project policy (signature, severity, immutable tag).
   */
  event: 'authorize' | 'token' | 'admin' | 'api' | 'policy';
  subject?: string;
  remoteAddress?: string;
  actions: string;
  repository?: string;
  digest?: string;
  decision: 'allow' | 'deny';
  status: number;
  reason: string;
}

export interface AuditRow extends AuditEntry {
  id: number;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The row as a fixed-order JSON array, so the hash does not depend on key order. */
export function canonicalRow(id: number, entry: AuditEntry): string {
  return JSON.stringify([id, entry.at, entry.event, entry.subject ?? null,
    entry.remoteAddress ?? null, entry.actions, entry.repository ?? null, entry.digest ?? null,
    entry.decision, entry.status, entry.reason]);
}

export function chainHash(prevHash: string, id: number, entry: AuditEntry): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalRow(id, entry)}`).digest('hex');
}

export type ChainVerdict = { ok: true; rows: number } | { ok: false; badRow: number; why: string };

/** Recomputes the chain over `rows` in id order; names the first row that does not fit. */
export function verifyChain(rows: Iterable<AuditRow>): ChainVerdict {
  let prev = GENESIS_HASH;
  let count = 0;
  for (const row of rows) {
    if (row.prevHash !== prev) {
      return { ok: false, badRow: row.id, why: 'does not link to the row before it '
        + '(a row was removed, inserted or edited)' };
    }

    if (chainHash(prev, row.id, row) !== row.hash) {
      return { ok: false, badRow: row.id, why: 'its content does not match its hash (edited)' };
    }

    prev = row.hash;
    count += 1;
  }

  return { ok: true, rows: count };
}
