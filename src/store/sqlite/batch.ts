// Reads rows for many keys with `IN (?, ?, …)` in bounded chunks: one statement per chunk
// instead of one per key, which is where per-package look-ups spent their time. Plain
// placeholders keep the SQL portable; the chunk size stays far below SQLite's variable limit.
import type { Db } from './database.js';

export const chunkSize = 500;
const maxCached = 64;

type Statement = ReturnType<Db['prepare']>;
export type StatementCache = Map<string, Statement>;

/**
 * Runs `sql` (which holds one `(?)` marker for the key list, after `before` fixed
 * parameters) for every chunk of `keys`, and returns all rows in chunk order.
 */
export function selectIn<Row>(
  db: Db,
  cache: StatementCache,
  sql: string,
  before: unknown[],
  keys: readonly string[],
): Row[] {
  const rows: Row[] = [];
  for (let start = 0; start < keys.length; start += chunkSize) {
    const chunk = keys.slice(start, start + chunkSize);
    const text = sql.replace('(?)', `(${chunk.map(() => '?').join(', ')})`);
    let statement = cache.get(text);
    if (statement === undefined) {
      statement = db.prepare(text);
      // Full chunks share one statement; only the last, shorter chunk varies in size.
      if (cache.size < maxCached) {
        cache.set(text, statement);
      }
    }

    for (const row of statement.all([...before, ...chunk]) as Row[]) {
      rows.push(row);
    }
  }

  return rows;
}
