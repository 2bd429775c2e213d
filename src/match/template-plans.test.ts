import { describe, expect, it } from 'vitest';
import type { OsvAffected } from '../advisories/osv.js';
import type { AdvisorySummary } from '../advisories/store.js';
import type { Package } from '../inventory/model.js';
import { attachCluster, attachPackage, planTemplates, type TemplatePlan } from './merge.js';
import { TemplatePlans } from './template-plans.js';
import type { Lookup } from './target.js';
import { fillTemplate, sharedParts, type FindingTemplate, type LookupHit } from './template.js';

const records = new Map<string, AdvisorySummary>([
  ['CVE-2024-1', { id: 'CVE-2024-1', modified: '2024-01-02T00:00:00Z', aliases: ['GHSA-a'] }],
  ['GHSA-a', { id: 'GHSA-a', modified: '2024-01-03T00:00:00Z', aliases: ['CVE-2024-1'] }],
  ['DSA-1', { id: 'DSA-1', modified: '2024-01-04T00:00:00Z', related: ['CVE-2024-1'] }],
  ['CVE-2024-2', { id: 'CVE-2024-2', modified: '2024-01-05T00:00:00Z' }],
  ['CVE-2024-3', { id: 'CVE-2024-3', modified: '2024-01-05T00:00:00Z',
    withdrawn: '2024-02-01T00:00:00Z' }],
]);
const entry: OsvAffected = { package: { ecosystem: 'Debian:12', name: 'p' } };
const lookup = (version: string): Lookup => ({ ecosystems: ['Debian:12'], name: 'p', version });

/** The templates a plan stands for: what `attachCluster` must agree with. */
function followPlan(plan: TemplatePlan, hits: readonly LookupHit[]): FindingTemplate[] {
  return plan.clusters.map(({ order, parts }) =>
    fillTemplate(order.map((at) => hits[at] as LookupHit), parts));
}

/** The templates of a look-up's hits through the memo's plan for its rows. */
function templatesOf(plans: TemplatePlans, of: Lookup, rows: readonly number[],
  hits: readonly LookupHit[]): FindingTemplate[] {
  return hits.length === 0 ? [] : followPlan(plans.planFor(of, rows, hits), hits);
}

function hitsAt(fixed: string, status: LookupHit['status']): LookupHit[] {
  return ['GHSA-a', 'CVE-2024-2', 'DSA-1', 'CVE-2024-3', 'CVE-2024-1'].map((advisoryId) => ({
    ecosystem: 'Debian:12', advisoryId, entries: [entry], status, fixed: [`${fixed}-${advisoryId}`],
  }));
}

describe('TemplatePlans', () => {
  it('gives another version that hits the same rows the templates a fresh plan gives', () => {
    const plans = new TemplatePlans(records, (c) => sharedParts(c, records));
    const rows = [0, 2, 3, 5, 8];
    const first = templatesOf(plans, lookup('1.0'), rows, hitsAt('1.1', 'affected'));
    expect(first.map((t) => t.vulnerability.id)).toEqual(['CVE-2024-1', 'CVE-2024-2']);
    expect(plans.size).toBe(1);

    const later = hitsAt('2.1', 'unknown');
    const kept = plans.planOf(lookup('2.0'), rows);
    expect(kept).toBeDefined();
    expect(templatesOf(plans, lookup('2.0'), rows, later))
      .toEqual(followPlan(planTemplates(later, records), later));
    expect(templatesOf(plans, lookup('2.0'), rows, later)[0]).toMatchObject({
      status: 'unknown', fixedVersions: ['2.1-CVE-2024-1', '2.1-GHSA-a', '2.1-DSA-1'] });
    expect(plans.planOf(lookup('2.0'), [0, 2, 3, 5])).toBeUndefined();
  });

  it('gives findings from a plan\'s clusters equal to those from its templates', () => {
    const plans = new TemplatePlans(records, (c) => sharedParts(c, records));
    const pkg: Package = { name: 'p', version: '1.0', type: 'deb', ecosystem: 'Debian',
      purl: 'pkg:deb/debian/p@1.0', licenses: [], locations: [{ path: '/var/lib/dpkg' }] };
    // Repeated fixed versions across the hits of a cluster are listed once.
    const hits = hitsAt('1.1', 'unknown').map((hit, i) => (i === 1 ? hit
      : { ...hit, status: 'affected' as const, fixed: ['9', hit.fixed[0] as string, '9'] }));
    const plan = plans.planFor(lookup('1.0'), [1, 2, 3, 4, 5], hits);
    expect(plans.planFor(lookup('1.0'), [1, 2, 3, 4, 5], hits)).toBe(plan);
    const fromTemplates = followPlan(plan, hits)
      .map((template) => attachPackage(template, pkg, lookup('1.0'), 'os'));
    expect(plan.clusters.map(({ parts, order }) =>
      attachCluster(parts, hits, order, pkg, lookup('1.0'), 'os'))).toEqual(fromTemplates);
    expect(fromTemplates.map((f) => [f.status, f.fixedVersions])).toEqual([
      ['affected', ['9', '1.1-CVE-2024-1', '1.1-GHSA-a', '1.1-DSA-1']],
      ['unknown', ['1.1-CVE-2024-2']]]);
    expect(plans.planFor(lookup('1.0'), [], []).clusters).toEqual([]);
  });

  it('empties itself when full and keeps nothing with a limit of 0', () => {
    const one = new TemplatePlans(records, (c) => sharedParts(c, records), 1);
    templatesOf(one, lookup('1.0'), [1], hitsAt('1.1', 'affected'));
    templatesOf(one, lookup('1.0'), [2], hitsAt('1.1', 'affected'));
    expect(one.size).toBe(1);
    expect(one.planOf(lookup('1.0'), [1])).toBeUndefined();

    const none = new TemplatePlans(records, (c) => sharedParts(c, records), 0);
    expect(templatesOf(none, lookup('1.0'), [1], hitsAt('1.1', 'affected'))).toHaveLength(2);
    expect(none.size).toBe(0);
    expect(templatesOf(none, lookup('1.0'), [], [])).toEqual([]);
  });
});
