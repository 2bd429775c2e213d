import { describe, expect, it } from 'vitest';
import type { OsvAffected } from '../advisories/osv.js';
import type { AdvisorySummary } from '../advisories/store.js';
import { rateAdvisory } from './severity.js';
import { SharedPartsMemo } from './shared-parts.js';
import { sharedParts, toTemplate, type LookupHit } from './template.js';

const records = new Map<string, AdvisorySummary>([
  ['CVE-2024-1', { id: 'CVE-2024-1', modified: '2024-01-02T00:00:00Z', aliases: ['GHSA-a'],
    summary: 'first', references: [{ type: 'WEB', url: 'https://a.example' }] }],
  ['GHSA-a', { id: 'GHSA-a', modified: '2024-01-03T00:00:00Z', aliases: ['CVE-2024-1'],
    references: [{ type: 'WEB', url: 'https://b.example' }],
    database_specific: { severity: 'HIGH' } }],
]);
const urgent: OsvAffected = { package: { ecosystem: 'Debian:12', name: 'p' },
  ecosystem_specific: { urgency: 'low' } };
const plain: OsvAffected = { package: { ecosystem: 'Debian:12', name: 'p' } };

function hit(advisoryId: string, entries: OsvAffected[], fixed: string[]): LookupHit {
  return { ecosystem: 'Debian:12', advisoryId, entries, status: 'affected', fixed };
}

describe('SharedPartsMemo', () => {
  it('builds the parts once for every version that hits the same records and entries', () => {
    const memo = new SharedPartsMemo(records, rateAdvisory);
    const older = [hit('GHSA-a', [plain], ['1.2']), hit('CVE-2024-1', [urgent], ['1.1'])];
    const newer = [hit('GHSA-a', [plain], []), hit('CVE-2024-1', [urgent], [])];
    const parts = memo.partsOf(older);
    expect(memo.partsOf(newer)).toBe(parts);
    expect(memo.size).toBe(1);
    for (const cluster of [older, newer]) {
      expect(toTemplate(cluster, memo.partsOf(cluster)))
        .toEqual(toTemplate(cluster, sharedParts(cluster, records)));
    }

    expect(toTemplate(older, parts)).toMatchObject({ fixedVersions: ['1.1', '1.2'],
      fixState: 'fixed', severity: 'low', severitySource: 'debian-urgency' });
    expect(toTemplate(newer, parts)).toMatchObject({ fixedVersions: [], fixState: 'not-fixed' });
  });

  it('tells apart clusters that differ only in the entries hit', () => {
    const memo = new SharedPartsMemo(records, rateAdvisory);
    const viaUrgency = memo.partsOf([hit('CVE-2024-1', [urgent], [])]);
    const viaLabel = memo.partsOf([hit('CVE-2024-1', [plain], [])]);
    expect(viaUrgency.severitySource).toBe('debian-urgency');
    expect(viaLabel.severitySource).toBe('none');
    expect(memo.size).toBe(2);
  });

  it('empties itself when full and keeps nothing with a limit of 0', () => {
    const one = new SharedPartsMemo(records, rateAdvisory, 1);
    const first = one.partsOf([hit('CVE-2024-1', [urgent], [])]);
    one.partsOf([hit('CVE-2024-1', [plain], [])]);
    expect(one.size).toBe(1);
    expect(one.partsOf([hit('CVE-2024-1', [urgent], [])])).not.toBe(first);

    const none = new SharedPartsMemo(records, rateAdvisory, 0);
    const cluster = [hit('GHSA-a', [plain], [])];
    expect(none.partsOf(cluster)).toEqual(sharedParts(cluster, records));
    expect(none.size).toBe(0);
  });
});
