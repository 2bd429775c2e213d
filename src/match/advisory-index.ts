// What one revision of the advisory store holds for the packages asked about so far: each
// package name's indexed rows, each record's summary and the finding parts built from them,
// read, parsed and built once and kept, so later matches of the same packages read nothing.
import type { OsvAffected } from '../advisories/osv.js';
import type { AdvisoryReader, AdvisorySummary, AffectedRow } from '../advisories/store.js';
import { compileRows, type CompiledName } from './compiled-rows.js';
import type { RangeSchemes } from './range.js';
import { rowSpansOf } from './row-spans.js';
import { rateAdvisory, type Rating } from './severity.js';
import { SharedPartsMemo } from './shared-parts.js';
import { TemplatePlans } from './template-plans.js';

export class AdvisoryIndex {
  private readonly rows = new Map<string, Map<string, readonly AffectedRow[]>>();
  private readonly found = new Map<string, AdvisorySummary>();
  // Ids the store had no summary for, so they are not asked for again.
  private readonly missing = new Set<string>();
  // An entry belongs to one record, so its rating is computed once per index.
  private readonly ratings = new WeakMap<OsvAffected, Rating>();
  private held = 0;
  // Each name's rows compiled, with the schemes they were compiled under; at most one entry
  // per held name, so it is bounded by the index's cap on names.
  private readonly compiled = new Map<string, Map<string, CompiledRows>>();

  /** `revision` is the store's revision the index was read from; undefined when unknown. */
  constructor(readonly revision: string | undefined) {}

  /** How many package names (found in the store or not) the index holds. */
  get names(): number {
    return this.held;
  }

  /** Every record summary read so far, by id; ids without a stored record are absent. */
  get summaries(): ReadonlyMap<string, AdvisorySummary> {
    return this.found;
  }

  /** `rateAdvisory`, remembered per entry; shared, so callers must not change the result. */
  readonly rate = (record: AdvisorySummary, entry: OsvAffected): Rating => {
    let rating = this.ratings.get(entry);
    if (rating === undefined) {
      rating = rateAdvisory(record, entry);
      this.ratings.set(entry, rating);
    }

    return rating;
  };

  /** The version-independent parts of finding templates, built from this index's records. */
  readonly parts = new SharedPartsMemo(this.found, this.rate);

  /** Which hits of a look-up merge into which finding, by the rows that hit. */
  readonly plans = new TemplatePlans(this.found, this.parts.partsOf);

  holds(ecosystem: string, name: string): boolean {
    return this.rows.get(ecosystem)?.has(name) === true;
  }

  /** The rows of a name; empty for a name not in the store or not loaded. */
  rowsOf(ecosystem: string, name: string): readonly AffectedRow[] {
    return this.rows.get(ecosystem)?.get(name) ?? [];
  }

  /**
   * The rows of a name compiled under `schemes`, kept while the same schemes are asked for;
   * empty for a name not in the store or not loaded.
   */
  compiledRowsOf(ecosystem: string, name: string, schemes: RangeSchemes): CompiledName {
    const kept = this.keptRowsOf(ecosystem, name, schemes);
    if (kept !== undefined) {
      return kept;
    }

    const rows = this.rows.get(ecosystem)?.get(name);
    if (rows === undefined) {
      return none;
    }

    let byName = this.compiled.get(ecosystem);
    if (byName === undefined) {
      byName = new Map();
      this.compiled.set(ecosystem, byName);
    }

    const made = compileRows(rows, schemes);
    byName.set(name, { ecosystem: schemes.ecosystem, semver: schemes.semver, rows: made });
    return made;
  }

  /**
   * The rows of a name already compiled under `schemes`, or undefined: one look-up, for the
   * common case of a held name, where `holds` and `compiledRowsOf` would take two each.
   */
  keptRowsOf(ecosystem: string, name: string, schemes: RangeSchemes): CompiledName | undefined {
    const kept = this.compiled.get(ecosystem)?.get(name);
    return kept !== undefined && kept.ecosystem === schemes.ecosystem
      && kept.semver === schemes.semver ? kept.rows : undefined;
  }

  /** Reads the rows of every name in `names` not held yet, in one batch. */
  loadRows(reader: AdvisoryReader, ecosystem: string, names: Iterable<string>): void {
    let byName = this.rows.get(ecosystem);
    if (byName === undefined) {
      byName = new Map();
      this.rows.set(ecosystem, byName);
    }

    const known = byName;
    const wanted = [...new Set(names)].filter((name) => !known.has(name));
    if (wanted.length === 0) {
      return;
    }

    const read = reader.affectedForNames(ecosystem, wanted);
    for (const name of wanted) {
      known.set(name, read.get(name) ?? []);
    }

    this.held += wanted.length;
  }

  /** Reads the summaries of every id in `ids` not asked for yet, in one batch. */
  loadSummaries(reader: AdvisoryReader, ids: Iterable<string>): void {
    const wanted = [...new Set(ids)].filter((id) => !this.found.has(id) && !this.missing.has(id));
    if (wanted.length === 0) {
      return;
    }

    const read = reader.getSummaries(wanted);
    for (const id of wanted) {
      const summary = read.get(id);
      if (summary === undefined) {
        this.missing.add(id);
      } else {
        this.found.set(id, summary);
      }
    }
  }
}

interface CompiledRows {
  ecosystem: RangeSchemes['ecosystem'];
  semver: RangeSchemes['semver'];
  rows: CompiledName;
}

const none: CompiledName = { rows: [], ladders: [], listing: new Map(), spans: rowSpansOf([]),
  gitRanges: 0, sharesAdvisory: new Uint8Array(0) };
