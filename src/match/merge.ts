// Turns raw hits into findings, one per vulnerability per package: records that are aliases
// of each other (CVE ↔ GHSA ↔ PYSEC, Alpine `upstream`) merge into one finding, and distro
// advisories (DSA, DLA, USN…) whose `related` CVE is already a finding fold into it.
import type { AdvisoryReader, AdvisorySummary } from '../advisories/store.js';
import type { Package } from '../inventory/model.js';
import type { Finding } from './finding.js';
import type { Lookup } from './target.js';
import { targetOf } from './target.js';
import {
  fixedOf, orderOf, sharedParts, statusOf, toTemplate, type FindingTemplate,
  type LookupHit, type PartsOf, type SharedParts,
} from './template.js';

export type { FindingTemplate, LookupHit, Rater } from './template.js';

export interface Hit extends LookupHit {
  pkg: Package;
  lookup: Lookup;
}

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
      const template = toTemplate(cluster, sharedParts(cluster, records));
      findings.push(attachPackage(template, pkg, lookup, target));
    }
  }

  return findings;
}

/** How to build one look-up's templates from its hits: per cluster, which hits, and its parts. */
export interface TemplatePlan {
  clusters: { order: number[]; parts: SharedParts }[];
}

/**
 * How to build the templates of one package's hits, in the order `buildFindings` gives them;
 * `records` must hold the summaries of every hit that has one, and `parts` may be a memo of
 * `sharedParts` over the same records.
 */
export function planTemplates(
  hits: readonly LookupHit[],
  records: ReadonlyMap<string, AdvisorySummary>,
  parts: PartsOf = (cluster) => sharedParts(cluster, records),
): TemplatePlan {
  const live = hits.filter((hit) => isLive(hit.advisoryId, records));
  const clusters = live.length === 0 ? [] : clusterHits(live, records);
  return { clusters: clusters.map((c) => ({ order: orderOf(c, hits), parts: parts(c) })) };
}

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
  return findingOf(template, template.status, template.fixedVersions.slice(), pkg, lookup,
    target);
}

/**
 * The finding of `pkg` for one cluster of a plan, from the hits at `order`: what
 * `attachPackage` gives for the cluster's template, without making the template.
 */
export function attachCluster(
  parts: SharedParts,
  hits: readonly LookupHit[],
  order: readonly number[],
  pkg: Package,
  lookup: Lookup,
  target: string,
): Finding {
  return findingOf(parts, statusOf(hits, order), fixedOf(hits, order), pkg, lookup, target);
}

/** A fresh finding; `fixed` is the finding's own list, everything else of `parts` copied. */
function findingOf(
  parts: SharedParts,
  status: Finding['status'],
  fixed: string[],
  pkg: Package,
  lookup: Lookup,
  target: string,
): Finding {
  const { vulnerability: v } = parts;
  // Spreading the template's objects keeps their key order, which JSON output shows.
  const finding: Finding = {
    kind: parts.kind,
    vulnerability: { ...v, aliases: v.aliases.slice(), references: v.references.slice() },
    package: lookup.advisoryName === undefined
      ? { name: pkg.name, version: pkg.version, ecosystem: parts.ecosystem, purl: pkg.purl,
        target }
      : { name: pkg.name, version: pkg.version, ecosystem: parts.ecosystem, purl: pkg.purl,
        advisoryName: lookup.advisoryName, target },
    severity: parts.severity,
    severitySource: parts.severitySource,
    cvss: parts.cvss.slice(),
    status,
    fixedVersions: fixed,
    fixState: fixed.length > 0 ? 'fixed' : 'not-fixed',
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

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [value]);
  } else {
    list.push(value);
  }
}
