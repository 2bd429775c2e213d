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

export interface Hit {
  pkg: Package;
  lookup: Lookup;
  ecosystem: string;
  advisoryId: string;
  entries: OsvAffected[];
  status: 'affected' | 'unknown';
  fixed: string[];
}

/** Builds merged findings from hits; records missing from the store are dropped. */
export function buildFindings(hits: Hit[], reader: AdvisoryReader): Finding[] {
  const records = reader.getSummaries(new Set(hits.map((h) => h.advisoryId)));
  const byPackage = new Map<Package, Hit[]>();
  for (const hit of hits) {
    if (records.get(hit.advisoryId)?.withdrawn === undefined && records.has(hit.advisoryId)) {
      pushTo(byPackage, hit.pkg, hit);
    }
  }

  const findings: Finding[] = [];
  for (const group of byPackage.values()) {
    for (const cluster of clusterHits(group, records)) {
      findings.push(toFinding(cluster, records));
    }
  }

  return findings;
}

/** Groups one package's hits into vulnerabilities; a folded advisory joins its CVE's group. */
function clusterHits(hits: Hit[], records: Map<string, AdvisorySummary>): Hit[][] {
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

  const clusters = new Map<string, Hit[]>();
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

function toFinding(cluster: Hit[], records: Map<string, AdvisorySummary>): Finding {
  const sorted = [...cluster].sort((a, b) =>
    primaryRank(a.advisoryId) - primaryRank(b.advisoryId)
    || collator.compare(a.advisoryId, b.advisoryId));
  const first = sorted[0] as Hit;
  const main = records.get(first.advisoryId) as AdvisorySummary;
  const all = sorted.map((h) => records.get(h.advisoryId) as AdvisorySummary);

  const ids = new Set(all.flatMap((r) => [r.id, ...(r.aliases ?? []), ...(r.upstream ?? [])]));
  // Banks track CVEs: show the CVE id when any merged record names one.
  const shown = [...ids].sort((a, b) => primaryRank(a) - primaryRank(b))[0] ?? main.id;
  ids.delete(shown);
  const rating = bestRating(sorted.flatMap((hit) => {
    const record = records.get(hit.advisoryId) as AdvisorySummary;
    return hit.entries.map((entry) => rateAdvisory(record, entry));
  }));
  const fixed = [...new Set(sorted.flatMap((h) => h.fixed))];
  const references = firstReferences(all, 50);
  const summary = all.map((r) => r.summary).find((s) => s !== undefined && s !== '');

  const { pkg, lookup } = first;
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
    package: {
      name: pkg.name,
      version: pkg.version,
      ecosystem: first.ecosystem,
      purl: pkg.purl,
      ...(lookup.advisoryName === undefined ? {} : { advisoryName: lookup.advisoryName }),
      target: targetOf(pkg),
    },
    severity: rating.severity,
    severitySource: rating.source,
    cvss: rating.cvss,
    status: sorted.some((h) => h.status === 'affected') ? 'affected' : 'unknown',
    fixedVersions: fixed,
    fixState: fixed.length > 0 ? 'fixed' : 'not-fixed',
    ...(pkg.layer === undefined ? {} : { layer: pkg.layer }),
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
