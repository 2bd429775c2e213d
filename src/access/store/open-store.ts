// The access database opened for CLI commands, which run beside a live server (WAL).
import { AuditStore } from './audit-store.js';
import { openAccessDb } from './database.js';
import { Directory } from './directory.js';
import { PolicyStore } from './policy-store.js';

export interface AccessStore {
  directory: Directory;
  audit: AuditStore;
  policies: PolicyStore;
  close(): void;
}

/** @throws AccessError see openAccessDb. */
export function openAccessStore(dataDir: string): AccessStore {
  const db = openAccessDb(dataDir);
  return { directory: new Directory(db), audit: new AuditStore(db),
    policies: new PolicyStore(db), close: () => db.close() };
}

/** Runs `work` with the store open, closing it afterwards. */
export async function withAccessStore<T>(dataDir: string,
  work: (store: AccessStore) => Promise<T> | T): Promise<T> {
  const store = openAccessStore(dataDir);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
