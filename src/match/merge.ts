// Turns raw hits into findings, one per vulnerability per package: records that are aliases
// of each other (CVE ↔ GHSA ↔ PYSEC, Alpine `upstream`) merge into one finding, and distro
// advisories (DSA, DLA, USN…) whose `related` CVE is already a finding fold into it.
import { isMalicious, type OsvAffected } from '../advisories/osv.js';
import type { AdvisoryReader, AdvisorySummary } from '../advisories/store.js';
import type { Package } from '../inventory/model.js';
import type { Finding } from './finding.js';
import { compareSeverity, rateAdvisory, type Rating } from './severity.js';
import type { Lookup } from './target.js';
import { targetOf } from './target.js';

/** One advisory's verdict for one looked-up package version. */
export interface LookupHit {
  ecosystem: string;
  advisoryId: string;
  entries: OsvAffected[];
  status: 'affected' | 'unknown';
  fixed: string[];
}

export interface Hit extends LookupHit {
  pkg: Package;
  lookup: Lookup;
}

/**
 * A finding without its package: what one vulnerability means for one looked-up version, the
 * same for every package that looks up that version. Shared, so never handed out as is.
 */
export type FindingTemplate = Omit<Finding, 'package' | 'layer' | 'suppressed'> & {
  ecosystem: string;
};

/** True when the store returned the record and it is not withdrawn. */
function isLive(id: string, records: ReadonlyMap<string, AdvisorySummary>): boolean {
  return records.get(id)?.withdrawn === undefined && records.has(id);
}

/** Builds merged findings from hits; records missing from the store are dropped. */
export function buildFindings(hits: Hit[], reader: AdvisoryReader): Finding[] {
  const records = reader.getSummaries(new Set(hits.map((h) => h.advisoryId)));
  const byPackage = new Map<Package, Hit[]>();
  for (const hit of hits) {
    if (isLive(hit.advisoryId, records)) {
      pushTo(byPackage, hit.pkg, hit);
    }
  }

  const findings: Finding[] = [];
  for (const group of byPackage.values()) {
    const { pkg, lookup } = group[0] as Hit;
    const target = targetOf(pkg);
    for (const cluster of clusterHits(group, records)) {
      findings.push(attachPackage(toTemplate(cluster, records), pkg, lookup, target));
    }
  }

  return findings;
}

/**
 * The finding templates of one package's hits, in the order `buildFindings` gives them;
 * `records` must hold the summaries of every hit that has one.
 */
export function buildTemplates(
  hits: readonly LookupHit[],
  records: ReadonlyMap<string, AdvisorySummary>,
  rate: Rater = rateAdvisory,
): FindingTemplate[] {
  const live = hits.filter((hit) => isLive(hit.advisoryId, records));
  return live.length === 0 ? []
    : clusterHits(live, records).map((cluster) => toTemplate(cluster, records, rate));
}

/** Rates one entry of one record; `rateAdvisory`, or a caller's memo of it. */
export type Rater = (record: AdvisorySummary, entry: OsvAffected) => Rating;

/**
 * A fresh finding of `pkg` from a shared template: its lists are copied, never shared.
 * `target` is `targetOf(pkg)`, passed in so a package with many findings works it out once.
 */
export function attachPackage(
  template: FindingTemplate,
  pkg: Package,
  lookup: Lookup,
  target = targetOf(pkg),
): Finding {
  const { vulnerability: v } = template;
  // Spreading the template's objects keeps their key order, which JSON output shows.
  const finding: Finding = {
    kind: template.kind,
    vulnerability: { ...v, aliases: v.aliases.slice(), references: v.references.slice() },
    package: lookup.advisoryName === undefined
      ? { name: pkg.name, version: pkg.version, ecosystem: template.ecosystem, purl: pkg.purl,
        target }
      : { name: pkg.name, version: pkg.version, ecosystem: template.ecosystem, purl: pkg.purl,
        advisoryName: lookup.advisoryName, target },
    severity: template.severity,
    severitySource: template.severitySource,
    cvss: template.cvss.slice(),
    status: template.status,
    fixedVersions: template.fixedVersions.slice(),
    fixState: template.fixState,
  };
  if (pkg.layer !== undefined) {
    finding.layer = pkg.layer;
  }

  return finding;
}

/** Groups one package's hits into vulnerabilities; a folded advisory joins its CVE's group. */
function clusterHits<H extends LookupHit>(
  hits: readonly H[],
  records: ReadonlyMap<string, AdvisorySummary>,
): H[][] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    const up = parent.get(id);
    if (up === undefined || up === id) {
      return id;
    }

    const root = find(up);
    parent.set(id, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    parent.set(find(a), find(b));
  };

  const hitIds = new Set(hits.map((h) => h.advisoryId));
  for (const hit of hits) {
    const record = records.get(hit.advisoryId);
    for (const other of [...(record?.aliases ?? []), ...(record?.upstream ?? [])]) {
      union(other, hit.advisoryId);
    }

    const relatedCve = (record?.related ?? [])
      .find((id) => id.startsWith('CVE-') && hitIds.has(id));
    if (!hit.advisoryId.startsWith('CVE-') && relatedCve !== undefined) {
      union(hit.advisoryId, relatedCve);
    }
  }

  const clusters = new Map<string, H[]>();
  for (const hit of hits) {
    pushTo(clusters, find(hit.advisoryId), hit);
  }

  return [...clusters.values()];
}

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

function toTemplate(
  cluster: readonly LookupHit[],
  records: ReadonlyMap<string, AdvisorySummary>,
  rate: Rater = rateAdvisory,
): FindingTemplate {
  const sorted = [...cluster].sort((a, b) =>
    primaryRank(a.advisoryId) - primaryRank(b.advisoryId)
    || collator.compare(a.advisoryId, b.advisoryId));
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
  const fixed = [...new Set(sorted.flatMap((h) => h.fixed))];
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
    status: sorted.some((h) => h.status === 'affected') ? 'affected' : 'unknown',
    fixedVersions: fixed,
    fixState: fixed.length > 0 ? 'fixed' : 'not-fixed',
  };
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

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [value]);
  } else {
    list.push(value);
  }
}
