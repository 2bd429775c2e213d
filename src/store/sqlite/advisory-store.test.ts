import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OsvRecord } from '../../advisories/osv.js';
import { makeTempDir } from '../../testing/requirements.js';
import { openAdvisoryStore } from './advisory-store.js';
import { latestVersion, migrations } from './migrations.js';

const record = (id: string, modified = '2025-01-01T00:00:00Z', extra: Partial<OsvRecord> = {}):
  OsvRecord => ({
  id, modified,
  affected: [{ package: { ecosystem: 'PyPI', name: 'Py_YAML' }, versions: ['5.3'],
    ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '5.4' }] }] }],
  ...extra,
});

describe('the SQLite advisory store', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let file: string;
  beforeEach(async () => {
    temp = await makeTempDir('store');
    file = join(temp.dir, 'advisories.db');
  });
  afterEach(() => temp.cleanup());

  it('indexes PyPI names after PEP 503 normalisation and answers versions lists', async () => {
    const store = openAdvisoryStore(file, 'write');
    await store.write(async (w) => { w.put(record('PYSEC-1'), 'test'); });

    const [row] = store.affectedFor('PyPI', 'py-yaml');
    expect(row?.advisoryId).toBe('PYSEC-1');
    expect(row?.entry.versions).toBeUndefined();
    expect([row?.listsVersion('5.3'), row?.listsVersion('5.3.1'), row?.listsVersion('5')])
      .toEqual([true, false, false]);
    store.close();
  });

  it('keeps newer stored copies, replaces older ones and unindexes withdrawn records', async () => {
    const store = openAdvisoryStore(file, 'write');
    await store.write(async (w) => {
      expect(w.put(record('A', '2025-02-01T00:00:00Z'), 's')).toBe(true);
      expect(w.put(record('A', '2025-01-01T00:00:00Z'), 's')).toBe(false);
      expect(w.put(record('B'), 's')).toBe(true);
      expect(w.put(record('B', '2025-03-01T00:00:00Z', { withdrawn: '2025-03-01T00:00:00Z' }), 's'))
        .toBe(true);
    });

    expect(store.affectedFor('PyPI', 'py-yaml').map((r) => r.advisoryId)).toEqual(['A']);
    expect(store.status()).toMatchObject({ totalRecords: 2, withdrawnRecords: 1 });
    store.close();
  });

  it('lets one writer in at a time and shows readers only committed data', async () => {
    const first = openAdvisoryStore(file, 'write');
    const second = openAdvisoryStore(file, 'write');
    const reader = openAdvisoryStore(file, 'read');
    let release: () => void = () => undefined;
    const held = new Promise<void>((done) => (release = done));

    const writing = first.write(async (w) => {
      w.put(record('HALF'), 'test');
      await held;
    });
    await expect(second.write(async () => undefined)).rejects.toMatchObject({ code: 'DB_LOCKED' });
    expect(reader.status().totalRecords).toBe(0);

    release();
    await writing;
    expect(reader.status().totalRecords).toBe(1);
    for (const store of [first, second, reader]) store.close();
  }, 20_000);

  it('rolls back everything a failed write did', async () => {
    const store = openAdvisoryStore(file, 'write');
    await expect(store.write(async (w) => {
      w.put(record('GONE'), 'test');
      throw new Error('bad input');
    })).rejects.toThrow('bad input');
    expect(store.status().totalRecords).toBe(0);
    store.close();
  });

  it('migrates a schema 1 database and refuses one from a newer Moat', () => {
    const old = new Database(file);
    for (const statement of migrations[0]?.statements ?? []) old.exec(statement);
    old.pragma('user_version = 1');
    old.close();

    expect(() => openAdvisoryStore(file, 'read'))
      .toThrow(expect.objectContaining({ code: 'DB_OUTDATED' }));
    openAdvisoryStore(file, 'write').close();
    openAdvisoryStore(file, 'read').close();

    const newer = new Database(file);
    newer.pragma(`user_version = ${latestVersion + 1}`);
    newer.close();
    expect(() => openAdvisoryStore(file, 'write'))
      .toThrow(expect.objectContaining({ code: 'DB_TOO_NEW' }));
  });

  it('moves its revision on with every committed write, and only then', async () => {
    const store = openAdvisoryStore(file, 'write');
    const reader = openAdvisoryStore(file, 'read');
    const start = reader.revision();
    expect(store.revision()).toBe(start);

    await store.write(async (w) => { w.put(record('R1'), 'test'); });
    const written = reader.revision();
    expect(written).not.toBe(start);
    await expect(store.write(async (w) => {
      w.put(record('R2'), 'test');
      throw new Error('bad input');
    })).rejects.toThrow('bad input');
    expect(reader.revision()).toBe(written);
    await store.write(async (w) => { w.put(record('R1'), 'test'); });
    expect(reader.revision()).not.toBe(written);

    const other = openAdvisoryStore(join(temp.dir, 'other.db'), 'write');
    expect(other.revision()).not.toBe(start);
    for (const open of [store, reader, other]) open.close();
  });

  it('says what to do when there is no database yet', () => {
    expect(() => openAdvisoryStore(join(temp.dir, 'missing.db'), 'read'))
      .toThrow(expect.objectContaining({ code: 'DB_MISSING' }));
  });
});
