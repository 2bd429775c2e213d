// Opens an rpm sqlite database (rpm ≥ 4.16, `rpmdb.sqlite`) from captured bytes with
// better-sqlite3's in-memory deserialisation, so no image content touches the disk.
import Database from 'better-sqlite3';
import { MoatError } from '../../../errors.js';

export class RpmDatabaseError extends MoatError {}

export const MAX_RPM_PACKAGES = 100_000;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * The header blobs of the `Packages(hnum, blob)` table.
 * @throws RpmDatabaseError `RPM_DB_INVALID` when the bytes are not a readable rpm database.
 */
export function readRpmBlobs(bytes: Buffer): Buffer[] {
  if (bytes.length < 100 || !bytes.subarray(0, 16).equals(SQLITE_MAGIC)) {
    throw new RpmDatabaseError('RPM_DB_INVALID', 'not an SQLite database');
  }

  // rpm writes its database in WAL mode, which an in-memory copy cannot open; bytes 18-19
  // (file format versions, sqlite fileformat2 §1.3) set to 1 select the rollback journal.
  // Limitation: pages still in an uncheckpointed -wal file are not read.
  const copy = Buffer.from(bytes);
  copy[18] = 1;
  copy[19] = 1;

  let db: Database.Database | undefined;
  try {
    db = new Database(copy, { readonly: true });
    const rows = db
      .prepare('SELECT blob FROM Packages ORDER BY hnum LIMIT ?')
      .all(MAX_RPM_PACKAGES) as Array<{ blob: unknown }>;
    return rows.map((row) => row.blob).filter((blob): blob is Buffer => Buffer.isBuffer(blob));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const message = `cannot read the rpm database: ${reason}`;
    throw new RpmDatabaseError('RPM_DB_INVALID', message, { cause: err });
  } finally {
    db?.close();
  }
}
