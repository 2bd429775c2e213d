// Scan results of pushed manifests in DATA/registry.db, read and written by the server's policy
// enforcement on its own connection (WAL: it never blocks the registry's writer for long).
import { join } from 'node:path';
import type { Severity } from '../match/severity.js';
import { openRegistryDb, type Db } from './sqlite-open.js';

export type ScanStatus = 'pending' | 'scanned' | 'failed';

/** What a policy needs of a finding to name it in a refusal. */
export interface StoredFinding {
  id: string;
  severity: Severity;
  package: string;
  version: string;
  ecosystem: string;
  fixedVersions: string[];
}

export interface ScanRecord {
  repository: string;
  digest: string;
  status: ScanStatus;
  /** Why the scan failed. */
  error?: string;
  /** Findings per severity (all of them, even beyond the stored list). */
  counts?: Partial<Record<Severity, number>>;
  /** The most severe findings first, at most MAX_STORED_FINDINGS. */
  findings?: StoredFinding[];
  /** The advisory store revision the findings were matched against. */
  revision?: string;
  updated: string;
}

/** A finished scan: its verdicts, and what to match again when the advisories change. */
export interface ScanOutcome {
  counts: ScanRecord['counts'];
  findings: StoredFinding[];
  revision: string;
  /** The image's inventory as JSON; not kept when over MAX_INVENTORY_CHARS. */
  inventory?: string;
}

export const MAX_STORED_FINDINGS = 500;
/** Larger inventories are not kept: the image is read again when it must be matched again. */
export const MAX_INVENTORY_CHARS = 16 * 1024 * 1024;

interface Row {
  repository: string; digest: string; status: string; error: string | null;
  counts: string | null; findings: string | null; revision: string | null; updated: number;
}

const RECORD_COLUMNS = 'repository, digest, status, error, counts, findings, revision, updated';

function toRecord(row: Row): ScanRecord {
  return {
    repository: row.repository, digest: row.digest, status: row.status as ScanStatus,
    ...(row.error === null ? {} : { error: row.error }),
    ...(row.counts === null ? {} : { counts: JSON.parse(row.counts) as ScanRecord['counts'] }),
    ...(row.findings === null ? {}
      : { findings: JSON.parse(row.findings) as StoredFinding[] }),
    ...(row.revision === null ? {} : { revision: row.revision }),
    updated: new Date(row.updated).toISOString(),
  };
}

export class ScanResults {
  private constructor(private readonly db: Db) {}

  static open(dataDir: string): ScanResults {
    return new ScanResults(openRegistryDb(join(dataDir, 'registry.db')));
  }

  get(repository: string, digest: string): ScanRecord | undefined {
    const row = this.db.prepare<[string, string], Row>(
      `SELECT ${RECORD_COLUMNS} FROM scan_results WHERE repository = ? AND digest = ?`)
      .get(repository, digest);
    return row === undefined ? undefined : toRecord(row);
  }

  /** Marks a scan as queued; true when it was not already pending or done. */
  markPending(repository: string, digest: string): boolean {
    return this.db.prepare(`INSERT INTO scan_results (repository, digest, status, updated)
      VALUES (?, ?, 'pending', ?) ON CONFLICT (repository, digest) DO UPDATE SET
      status = 'pending', error = NULL, counts = NULL, findings = NULL, inventory = NULL,
      revision = NULL, updated = excluded.updated
      WHERE status = 'failed'`).run(repository, digest, Date.now()).changes > 0;
  }

  /** Stores a finished scan, or why it failed, in place of what was there. */
  finish(repository: string, digest: string,
    result: ScanOutcome | { error: string; revision?: string }): void {
    if ('error' in result) {
      this.db.prepare(`INSERT OR REPLACE INTO scan_results (repository, digest, status, error,
        revision, updated) VALUES (?, ?, 'failed', ?, ?, ?)`).run(repository, digest,
        result.error.slice(0, 1024), result.revision ?? null, Date.now());
      return;
    }

    const inventory = result.inventory !== undefined &&
      result.inventory.length <= MAX_INVENTORY_CHARS ? result.inventory : null;
    this.db.prepare(`INSERT OR REPLACE INTO scan_results (repository, digest, status, counts,
      findings, inventory, revision, updated) VALUES (?, ?, 'scanned', ?, ?, ?, ?, ?)`)
      .run(repository, digest, JSON.stringify(result.counts),
        JSON.stringify(result.findings.slice(0, MAX_STORED_FINDINGS)), inventory,
        result.revision, Date.now());
  }

  /**
   * Replaces the verdicts of a scan matched again against `revision`, keeping its inventory;
   * does nothing when the scan was replaced meanwhile (pushed again, failed).
   */
  rematched(repository: string, digest: string,
    result: Omit<ScanOutcome, 'inventory'>): void {
    this.db.prepare(`UPDATE scan_results SET counts = ?, findings = ?, revision = ?, updated = ?
      WHERE repository = ? AND digest = ? AND status = 'scanned'`).run(
      JSON.stringify(result.counts), JSON.stringify(result.findings.slice(0,
        MAX_STORED_FINDINGS)), result.revision, Date.now(), repository, digest);
  }

  /**
   * Finished or failed scans made against another advisory revision than `revision` (a failed
   * one with none: the database was missing), at most `limit`.
   */
  stale(revision: string, limit: number):
    Array<{ repository: string; digest: string; status: 'scanned' | 'failed' }> {
    return this.db.prepare<[string, number],
      { repository: string; digest: string; status: 'scanned' | 'failed' }>(
      `SELECT repository, digest, status FROM scan_results WHERE status IN ('scanned', 'failed')
        AND (revision IS NULL OR revision != ?) LIMIT ?`).all(revision, limit);
  }

  /** The stored inventory JSON of a finished scan, if it was kept. */
  inventoryOf(repository: string, digest: string): string | undefined {
    return this.db.prepare<[string, string], { inventory: string | null }>(
      `SELECT inventory FROM scan_results WHERE repository = ? AND digest = ?
        AND status = 'scanned'`).get(repository, digest)?.inventory ?? undefined;
  }

  /** Scans left pending by a server that stopped before finishing them. */
  pending(): Array<{ repository: string; digest: string }> {
    return this.db.prepare<[], { repository: string; digest: string }>(
      "SELECT repository, digest FROM scan_results WHERE status = 'pending'").all();
  }

  /** The indexes in `repository` that list the manifest `digest`. */
  indexesReferencing(repository: string, digest: string): string[] {
    return this.db.prepare<[string, string], { manifest: string }>(`SELECT manifest FROM
      manifest_refs WHERE repository = ? AND target = ? AND kind = 'manifest' LIMIT 64`)
      .all(repository, digest).map((row) => row.manifest);
  }

  /** A tag of `repository` that points at `digest`, if any. */
  tagOf(repository: string, digest: string): string | undefined {
    return this.db.prepare<[string, string], { tag: string }>(
      'SELECT tag FROM tags WHERE repository = ? AND digest = ? LIMIT 1')
      .get(repository, digest)?.tag;
  }

  close(): void {
    this.db.close();
  }
}
