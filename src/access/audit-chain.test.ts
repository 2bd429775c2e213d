import { describe, expect, it } from 'vitest';
import {
  chainHash, GENESIS_HASH, verifyChain, type AuditEntry, type AuditRow,
} from './audit-chain.js';

function chain(entries: AuditEntry[]): AuditRow[] {
  const rows: AuditRow[] = [];
  let prevHash = GENESIS_HASH;
  entries.forEach((entry, index) => {
    const hash = chainHash(prevHash, index + 1, entry);
    rows.push({ ...entry, id: index + 1, prevHash, hash });
    prevHash = hash;
  });
  return rows;
}

const entry = (subject: string, decision: 'allow' | 'deny'): AuditEntry => ({
  at: '2026-12-03T10:00:00.000Z', event: 'authorize', subject, actions: 'pull',
  repository: 'payments/ledger', decision, status: decision === 'allow' ? 200 : 403,
  reason: 'test',
});

describe('verifyChain', () => {
  const rows = chain([entry('alice', 'allow'), entry('bob', 'deny'), entry('carol', 'allow')]);

  it('accepts an untouched chain', () => {
    expect(verifyChain(rows)).toEqual({ ok: true, rows: 3 });
  });

  it('finds an edited row', () => {
    const edited = rows.map((r) => r.id === 2 ? { ...r, decision: 'allow' as const } : r);
    expect(verifyChain(edited)).toMatchObject({ ok: false, badRow: 2 });
  });

  it('finds a removed row at the row after it', () => {
    expect(verifyChain(rows.filter((r) => r.id !== 2))).toMatchObject({ ok: false, badRow: 3 });
  });

  it('finds a row rewritten with a recomputed hash at the next row', () => {
    const forged = { ...rows[1]!, subject: 'mallory' };
    forged.hash = chainHash(forged.prevHash, forged.id, forged);
    expect(verifyChain([rows[0]!, forged, rows[2]!])).toMatchObject({ ok: false, badRow: 3 });
  });
});
