// Reads the header blobs out of rpm's Berkeley DB `Packages` database (RHEL/CentOS ≤ 8,
// UBI 8): a Berkeley DB hash database whose values are rpm headers, normally stored on
// chains of overflow pages. Layout from Berkeley DB's dbinc/db_page.h and hash.h; written by
// hand because no JavaScript library reads Berkeley DB files. Every page number, offset and
// length is bounds-checked, and overflow chains are followed at most once per page.
import { MoatError } from '../../../errors.js';
import { MAX_RPM_PACKAGES } from './rpmdb.js';

export class BerkeleyDbError extends MoatError {}

const HASH_MAGIC = 0x061561;
const PAGE_HEADER = 26;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
const MAX_BLOB_BYTES = 64 * 1024 * 1024;

export interface BerkeleyValues {
  blobs: Buffer[];
  /** Pages and items skipped as corrupt, with the reason. */
  problems: string[];
}

/**
 * The values of a little-endian Berkeley DB hash database, in page order; corrupt pages
 * and items are skipped and reported in `problems`.
 * @throws BerkeleyDbError `RPM_DB_INVALID` when the file is not such a database, or
 * `RPM_DB_UNSUPPORTED` for big-endian databases.
 */
export function readBerkeleyBlobs(db: Buffer): BerkeleyValues {
  if (db.length < 512) {
    throw invalid('file too short for a Berkeley DB meta page');
  }

  // Limitation: databases written on big-endian machines (s390x) are not read.
  if (db.readUInt32BE(12) === HASH_MAGIC) {
    throw new BerkeleyDbError('RPM_DB_UNSUPPORTED', 'big-endian Berkeley DB is not supported');
  }

  if (db.readUInt32LE(12) !== HASH_MAGIC) {
    throw invalid('not a Berkeley DB hash database');
  }

  const pageSize = db.readUInt32LE(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw invalid(`implausible page size ${pageSize}`);
  }

  const pages = Math.min(db.readUInt32LE(32) + 1, Math.floor(db.length / pageSize));
  const result: BerkeleyValues = { blobs: [], problems: [] };
  for (let pgno = 1; pgno < pages && result.blobs.length < MAX_RPM_PACKAGES; pgno++) {
    const page = db.subarray(pgno * pageSize, (pgno + 1) * pageSize);
    const type = page[25];
    if (type === P_HASH || type === P_HASH_UNSORTED) {
      hashPageValues(db, page, pageSize, result);
    }
  }

  return result;
}

// Hash pages hold key/value items in pairs; the index after the header points at each item,
// and an item runs to the previous item's start (db_page.h, LEN_HITEM).
function hashPageValues(db: Buffer, page: Buffer, pageSize: number, out: BerkeleyValues): void {
  const pgno = page.readUInt32LE(8);
  const entries = page.readUInt16LE(20);
  if (PAGE_HEADER + entries * 2 > pageSize) {
    out.problems.push(`hash page ${pgno} lists ${entries} entries; page skipped`);
    return;
  }

  const offsetOf = (i: number) => page.readUInt16LE(PAGE_HEADER + i * 2);
  for (let i = 1; i < entries; i += 2) {
    const start = offsetOf(i);
    const end = offsetOf(i - 1);
    if (start < PAGE_HEADER + entries * 2 || end > pageSize || start >= end) {
      out.problems.push(`item ${i} of hash page ${pgno} is out of bounds; skipped`);
      continue;
    }

    const item = page.subarray(start, end);
    try {
      if (item[0] === H_OFFPAGE && item.length >= 12) {
        out.blobs.push(readOverflow(db, pageSize, item.readUInt32LE(4), item.readUInt32LE(8)));
      } else if (item[0] === H_KEYDATA) {
        out.blobs.push(Buffer.from(item.subarray(1)));
      }
    } catch (err) {
      out.problems.push(`item ${i} of hash page ${pgno}: ${(err as Error).message}; skipped`);
    }
  }
}

function readOverflow(db: Buffer, pageSize: number, first: number, length: number): Buffer {
  if (length > MAX_BLOB_BYTES) {
    throw invalid(`overflow item of ${length} bytes exceeds the limit`);
  }

  const parts: Buffer[] = [];
  const seen = new Set<number>();
  let collected = 0;
  for (let pgno = first; pgno !== 0; ) {
    const page = db.subarray(pgno * pageSize, (pgno + 1) * pageSize);
    if (seen.has(pgno) || page.length < pageSize || page[25] !== P_OVERFLOW) {
      throw invalid(`overflow chain reaches bad page ${pgno}`);
    }

    seen.add(pgno);
    // On overflow pages the free-area offset field holds the bytes used.
    const used = page.readUInt16LE(22);
    if (PAGE_HEADER + used > pageSize || collected + used > length) {
      throw invalid(`overflow page ${pgno} holds more than its item`);
    }

    parts.push(page.subarray(PAGE_HEADER, PAGE_HEADER + used));
    collected += used;
    pgno = page.readUInt32LE(16);
  }

  if (collected !== length) {
    throw invalid(`overflow chain holds ${collected} of ${length} bytes`);
  }

  return Buffer.concat(parts);
}

function invalid(detail: string): BerkeleyDbError {
  return new BerkeleyDbError('RPM_DB_INVALID', `Berkeley DB rpm database is corrupt: ${detail}`);
}
