// Finding templates from clusters of hits. What depends only on which records and entries a
// cluster holds (ids, aliases, references, rating) is built apart from what depends on the
// looked-up version (status, fixed versions), so a long-lived matcher can keep the former.
import { isMalicious, type OsvAffected } from '../advisories/osv.js';
import type { AdvisorySummary } from '../advisories/store.js';
import type { Finding } from './finding.js';
import { compareSeverity, rateAdvisory, type Rating } from './severity.js';

/** One advisory's verdict for one looked-up package version. */
export interface LookupHit {
  ecosystem: string;
  advisoryId: string;
  entries: OsvAffected[];
  status: 'affected' | 'unknown';
  fixed: string[];
}

/**
 * A finding without its package: what one vulnerability means for one looked-up version, the
 * same for every package that looks up that version. Shared, so never handed out as is.
 */
export type FindingTemplate = Omit<Finding, 'package' | 'layer' | 'suppressed'> & {
  ecosystem: string;
};

/** The parts of a template that do not depend on the looked-up version; shared. */
export type SharedParts = Omit<FindingTemplate, 'status' | 'fixedVersions' | 'fixState'>;

/** Rates one entry of one record; `rateAdvisory`, or a caller's memo of it. */
export type Rater = (record: AdvisorySummary, entry: OsvAffected) => Rating;

/** The shared parts of a cluster; a memo's key must cover each hit's id, ecosystem, entries. */
export type PartsOf = (cluster: readonly LookupHit[]) => SharedParts;

// The id people search for first: a CVE, then GHSA, then malicious-package ids.
function primaryRank(id: string): number {
  if (id.startsWith('CVE-')) return 0;
  if (id.startsWith('GHSA-')) return 1;
  if (id.startsWith('MAL-')) return 2;
  return 3;
}

const sourceRank = (source: string): number =>
  ['malicious-package', 'debian-urgency', 'ubuntu-priority'].includes(source) ? 0
    : source.startsWith('cvss-') ? 1 : source === 'ghsa' ? 2 : 3;

function bestRating(ratings: Rating[]): Rating {
  const sorted = [...ratings].sort((a, b) =>
    sourceRank(a.source) - sourceRank(b.source) || compareSeverity(b.severity, a.severity));
  const best = sorted[0] ?? { severity: 'unknown', source: 'none', cvss: [] };
  const vectors = new Map(ratings.flatMap((r) => r.cvss).map((c) => [c.vector, c]));
  return { ...best, cvss: [...vectors.values()] };
}

// The ordering of String#localeCompare (ECMA-402 §19.1.1) without building a collator per call.
const collator = new Intl.Collator();

/** The cluster's hits, main record first. */
function inOrder<H extends LookupHit>(cluster: readonly H[]): H[] {
  return [...cluster].sort((a, b) =>
    primaryRank(a.advisoryId) - primaryRank(b.advisoryId)
    || collator.compare(a.advisoryId, b.advisoryId));
}

/** The version-independent parts of a cluster's template; every hit must have a record. */
export function sharedParts(
  cluster: readonly LookupHit[],
  records: ReadonlyMap<string, AdvisorySummary>,
  rate: Rater = rateAdvisory,
): SharedParts {
  const sorted = inOrder(cluster);
  const first = sorted[0] as LookupHit;
  const main = records.get(first.advisoryId) as AdvisorySummary;
  const all = sorted.map((h) => records.get(h.advisoryId) as AdvisorySummary);

  const ids = new Set(all.flatMap((r) => [r.id, ...(r.aliases ?? []), ...(r.upstream ?? [])]));
  // Banks track CVEs: show the CVE id when any merged record names one.
  const shown = [...ids].sort((a, b) => primaryRank(a) - primaryRank(b))[0] ?? main.id;
  ids.delete(shown);
  const rating = bestRating(sorted.flatMap((hit) => {
    const record = records.get(hit.advisoryId) as AdvisorySummary;
    return hit.entries.map((entry) => rate(record, entry));
  }));
  const references = firstReferences(all, 50);
  const summary = all.map((r) => r.summary).find((s) => s !== undefined && s !== '');

  return {
    kind: all.some((r) => isMalicious(r.id)) ? 'malicious' : 'vulnerability',
    vulnerability: {
      id: shown,
      aliases: [...ids].sort(),
      ...(summary === undefined ? {} : { summary: summary.slice(0, 300) }),
      references,
      ...(main.published === undefined ? {} : { published: main.published }),
      modified: main.modified,
    },
    ecosystem: first.ecosystem,
    severity: rating.severity,
    severitySource: rating.source,
    cvss: rating.cvss,
  };
}

/** The positions of `cluster`'s hits in `hits`, main record first. */
export function orderOf(cluster: readonly LookupHit[], hits: readonly LookupHit[]): number[] {
  return inOrder(cluster).map((hit) => hits.indexOf(hit));
}

/** The template of `cluster` for its looked-up version, from its shared parts. */
export function toTemplate(cluster: readonly LookupHit[], parts: SharedParts): FindingTemplate {
  return fillTemplate(cluster.length === 1 ? cluster : inOrder(cluster), parts);
}

/** `toTemplate` of a cluster whose hits are already main record first. */
export function fillTemplate(sorted: readonly LookupHit[], parts: SharedParts): FindingTemplate {
  const fixed = fixedOf(sorted);
  // Written out rather than spread: every template then has one shape, which keeps reading
  // them in `attachPackage` fast.
  return {
    kind: parts.kind,
    vulnerability: parts.vulnerability,
    ecosystem: parts.ecosystem,
    severity: parts.severity,
    severitySource: parts.severitySource,
    cvss: parts.cvss,
    status: statusOf(sorted),
    fixedVersions: fixed,
    fixState: fixed.length > 0 ? 'fixed' : 'not-fixed',
  };
}

/** The status of a cluster's finding from the hits at `order` (every hit when undefined). */
export function statusOf(hits: readonly LookupHit[], order?: readonly number[]):
  FindingTemplate['status'] {
  const count = order === undefined ? hits.length : order.length;
  for (let i = 0; i < count; i += 1) {
    if (hitAt(hits, order, i).status === 'affected') {
      return 'affected';
    }
  }

  return 'unknown';
}

function hitAt(hits: readonly LookupHit[], order: readonly number[] | undefined, i: number):
  LookupHit {
  return hits[order === undefined ? i : order[i] as number] as LookupHit;
}

/** The fixed versions of the hits at `order` (every hit when undefined), merged: a new list. */
export function fixedOf(hits: readonly LookupHit[], order?: readonly number[]): string[] {
  const count = order === undefined ? hits.length : order.length;
  // Most clusters are one hit with one fixed version or none: nothing to merge.
  const only = count === 1 ? hitAt(hits, order, 0).fixed : undefined;
  if (only !== undefined && only.length < 2) {
    return only.slice();
  }

  const fixed = new Set<string>();
  for (let i = 0; i < count; i += 1) {
    for (const version of hitAt(hits, order, i).fixed) {
      fixed.add(version);
    }
  }

  return [...fixed];
}

/** The first `limit` distinct reference URLs of `records`, in order, without reading the rest. */
function firstReferences(records: AdvisorySummary[], limit: number): string[] {
  const urls = new Set<string>();
  for (const record of records) {
    for (const ref of record.references ?? []) {
      urls.add(ref.url);
      if (urls.size >= limit) {
        return [...urls];
      }
    }
  }

  return [...urls];
}
