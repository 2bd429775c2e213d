// The version-independent parts of finding templates, built once per cluster of records and
// entries and kept for one store revision: every version of a package that hits the same
// advisories shares its ids, aliases, references and rating.
import type { OsvAffected } from '../advisories/osv.js';
import type { AdvisorySummary } from '../advisories/store.js';
import {
  sharedParts, type LookupHit, type PartsOf, type Rater, type SharedParts,
} from './template.js';

/** Clusters whose parts are kept; past it the memo is emptied and refilled. */
export const MAX_SHARED_PARTS = 100_000;

export class SharedPartsMemo {
  private readonly kept = new Map<string, SharedParts>();
  // Entries are parsed objects held by the index, so their identity names them in keys.
  private readonly entryIds = new WeakMap<OsvAffected, number>();
  private nextEntryId = 0;

  /**
   * `records` must only gain records over the memo's life (an index of one store revision);
   * `limit` of 0 keeps nothing.
   */
  constructor(
    private readonly records: ReadonlyMap<string, AdvisorySummary>,
    private readonly rate: Rater,
    private readonly limit = MAX_SHARED_PARTS,
  ) {}

  /** How many clusters' parts are held now; at most `limit`. */
  get size(): number {
    return this.kept.size;
  }

  /** `sharedParts` of a cluster, kept; shared, so callers must not change the result. */
  readonly partsOf: PartsOf = (cluster) => {
    const key = this.keyOf(cluster);
    let parts = this.kept.get(key);
    if (parts === undefined) {
      parts = sharedParts(cluster, this.records, this.rate);
      if (this.limit > 0) {
        if (this.kept.size >= this.limit) {
          this.kept.clear();
        }

        this.kept.set(key, parts);
      }
    }

    return parts;
  };

  // Everything `sharedParts` reads of a hit: its record's id, its ecosystem and its entries.
  // No id or ecosystem holds a control character, so the joined parts cannot collide.
  private keyOf(cluster: readonly LookupHit[]): string {
    let key = '';
    for (const hit of cluster) {
      key += `${hit.advisoryId}\u0001${hit.ecosystem}`;
      for (const entry of hit.entries) {
        key += `\u0001${this.entryId(entry)}`;
      }

      key += '\u0002';
    }

    return key;
  }

  private entryId(entry: OsvAffected): number {
    let id = this.entryIds.get(entry);
    if (id === undefined) {
      id = this.nextEntryId;
      this.nextEntryId += 1;
      this.entryIds.set(entry, id);
    }

    return id;
  }
}
