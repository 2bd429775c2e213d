// The advisory store as the core sees it. The core depends on this interface only; the SQLite
// implementation lives in `src/store`, and a PostgreSQL one can follow behind the same shape.
import { scoreCvss, type CvssScore } from './cvss.js';
import type { OsvAffected, OsvRecord } from './osv.js';

/**
 * The parts of a record a finding shows, kept apart from the full record so matching a large
 * inventory does not parse every advisory's full text.
 */
export type AdvisorySummary = Pick<OsvRecord, 'id' | 'modified' | 'published' | 'withdrawn'
  | 'aliases' | 'related' | 'upstream' | 'summary' | 'severity' | 'references'
  | 'database_specific'> & {
  /** The record-level CVSS vectors, scored when the record was stored. */
  cvss?: CvssScore[];
};

/** Makes the summary of a record: the summary line, at most 50 references, GHSA severity. */
export function summarize(record: OsvRecord): AdvisorySummary {
  const summary = record.summary ?? record.details?.split('\n').find((line) => line.trim());
  const label = record.database_specific?.severity;
  const cvss = (record.severity ?? []).filter((s) => s.type.startsWith('CVSS_'))
    .map((s) => scoreCvss(s.score)).filter((s): s is CvssScore => s !== undefined);
  return {
    id: record.id,
    modified: record.modified,
    published: record.published,
    withdrawn: record.withdrawn,
    aliases: record.aliases,
    related: record.related,
    upstream: record.upstream,
    summary: summary?.slice(0, 300),
    severity: record.severity,
    references: record.references?.slice(0, 50),
    database_specific: typeof label === 'string' ? { severity: label } : undefined,
    cvss,
  };
}

/** One `affected[]` entry of a live (not withdrawn) record, found by package. */
export interface AffectedRow {
  advisoryId: string;
  ecosystem: string;
  /** The entry; its `versions` list may be left out and answered by `listsVersion`. */
  entry: OsvAffected;
  /** True when the entry's explicit `versions` list holds exactly this version. */
  listsVersion: (version: string) => boolean;
  /**
   * The entry's explicit `versions` list, read anew on each call, for a caller that indexes
   * it once instead of asking `listsVersion` per version; absent where a store cannot say.
   */
  listedVersions?: () => readonly string[];
}

/** Where records came from and how to ask for changes since. */
export interface SourceState {
  name: string;
  url?: string;
  etag?: string;
  lastModified?: string;
  /** ISO time of the last successful import or update from this source. */
  updatedAt: string;
  records: number;
}

export interface DbStatus {
  schemaVersion: number;
  totalRecords: number;
  withdrawnRecords: number;
  ecosystems: { ecosystem: string; records: number }[];
  sources: SourceState[];
  /** ISO time of the newest import or update, absent for an empty database. */
  lastUpdate?: string;
}

export interface AdvisoryReader {
  /** Live entries for a package; `name` is already the ecosystem's index name. */
  affectedFor(ecosystem: string, name: string): AffectedRow[];
  /**
   * Live entries for many packages of one ecosystem at once, keyed by index name; names
   * without entries are absent. Each name's rows come in the order `affectedFor` gives them.
   */
  affectedForNames(ecosystem: string, names: Iterable<string>): Map<string, AffectedRow[]>;
  /** Every package name with live entries in an ecosystem (index names). */
  indexedNames(ecosystem: string): Set<string>;
  /** Record summaries by id; unknown ids are absent from the result. */
  getSummaries(ids: Iterable<string>): Map<string, AdvisorySummary>;
  /** Every record with the source it came from, in id order. */
  allRecords(): Iterable<{ source: string; record: OsvRecord }>;
  status(): DbStatus;
  /**
   * A token that changes whenever the stored content does (every committed write), for
   * callers that keep what they read in memory. Readers without one are never cached.
   */
  revision?(): string;
}

export interface AdvisoryWriter {
  /** Adds or replaces a record; returns false when the stored copy is as new or newer. */
  put(record: OsvRecord, source: string): boolean;
  getSource(name: string): SourceState | undefined;
  /** Records the source's update state; its record count is computed from the store. */
  setSource(state: Omit<SourceState, 'records'>): void;
}

export interface AdvisoryStore extends AdvisoryReader {
  /** See `AdvisoryReader.revision`; a store always has one. */
  revision(): string;
  /**
   * Runs `work` in one write transaction: commits when it resolves, rolls back when it throws,
   * so readers see either the old or the new data and never a mix.
   * @throws StoreError `DB_LOCKED` when another writer holds the database.
   */
  write<T>(work: (writer: AdvisoryWriter) => Promise<T>): Promise<T>;
  close(): void;
}
