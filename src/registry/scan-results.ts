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
  updated: string;
}

export const MAX_STORED_FINDINGS = 500;

interface Row {
  repository: string; digest: string; status: string; error: string | null;
  counts: string | null; findings: string | null; updated: number;
}

function toRecord(row: Row): ScanRecord {
  return {
    repository: row.repository, digest: row.digest, status: row.status as ScanStatus,
    ...(row.error === null ? {} : { error: row.error }),
    ...(row.counts === null ? {} : { counts: JSON.parse(row.counts) as ScanRecord['counts'] }),
    ...(row.findings === null ? {}
      : { findings: JSON.parse(row.findings) as StoredFinding[] }),
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
      'SELECT * FROM scan_results WHERE repository = ? AND digest = ?').get(repository, digest);
    return row === undefined ? undefined : toRecord(row);
  }

  /** Marks a scan as queued; true when it was not already pending or done. */
  markPending(repository: string, digest: string): boolean {
    return this.db.prepare(`INSERT INTO scan_results (repository, digest, status, updated)
      VALUES (?, ?, 'pending', ?) ON CONFLICT (repository, digest) DO UPDATE SET
      status = 'pending', error = NULL, counts = NULL, findings = NULL, updated = excluded.updated
      WHERE status = 'failed'`).run(repository, digest, Date.now()).changes > 0;
  }

  finish(repository: string, digest: string,
    result: { counts: ScanRecord['counts']; findings: StoredFinding[] } | { error: string }): void {
    const failed = 'error' in result;
    this.db.prepare(`INSERT OR REPLACE INTO scan_results (repository, digest, status, error,
      counts, findings, updated) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(repository, digest,
      failed ? 'failed' : 'scanned', failed ? result.error.slice(0, 1024) : null,
      failed ? null : JSON.stringify(result.counts),
      failed ? null : JSON.stringify(result.findings.slice(0, MAX_STORED_FINDINGS)), Date.now());
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
