// Decides whether one version is inside one OSV `affected[]` entry, following the schema's
// evaluation algorithm (https://ossf.github.io/osv-schema/#evaluation): events sorted by
// version with `introduced: "0"` first, then walked; `versions` lists match exactly.
import type { OsvAffected, OsvEvent, OsvRange } from '../advisories/osv.js';
import { parsedScheme, type ParsedScheme } from '../versions/parsed-scheme.js';
import type { VersionScheme } from '../versions/scheme.js';
import {
  compileRange, evaluateCompiled, fixedAfterCompiled, readVersion,
} from './compiled-range.js';

export interface EntryVerdict {
  status: 'affected' | 'not-affected' | 'unknown';
  /** Fixed versions newer than the installed one, from the ranges that matched. */
  fixed: string[];
  /** `GIT` ranges, which name commits and cannot be evaluated against package versions. */
  gitRangesSkipped: number;
}

export interface RangeSchemes {
  /** The ecosystem's own ordering, for `ECOSYSTEM` ranges. */
  ecosystem: VersionScheme;
  /** Semantic Versioning 2.0 ordering, for `SEMVER` ranges. */
  semver?: VersionScheme;
}

type RangeResult = 'affected' | 'not-affected' | 'unknown';

/**
 * Evaluates `version` against one entry; never throws. `listsVersion` answers for the entry's
 * `versions` list when the store keeps it apart. A plain miss is one shared, frozen verdict.
 */
export function evaluateEntry(
  version: string,
  entry: OsvAffected,
  schemes: RangeSchemes,
  listsVersion = (v: string): boolean => entry.versions?.includes(v) === true,
): EntryVerdict {
  let status: EntryVerdict['status'] = listsVersion(version) ? 'affected' : 'not-affected';
  let fixed: string[] | undefined;
  let gitRangesSkipped = 0;
  for (const range of entry.ranges ?? []) {
    if (range.type === 'GIT') {
      gitRangesSkipped += 1;
      continue;
    }

    const scheme = range.type === 'SEMVER'
      ? schemes.semver ?? schemes.ecosystem
      : schemes.ecosystem;
    const fast = isParsed(scheme) ? compileRange(range, scheme) : undefined;
    const read = fast === undefined ? undefined : readVersion(version, fast.scheme);
    const result = fast === undefined || read === undefined
      ? evaluateRange(version, range, scheme)
      : evaluateCompiled(read, fast);
    if (result === 'affected') {
      status = 'affected';
      (fixed ??= []).push(...(fast === undefined || read === undefined
        ? fixedAfter(version, range, scheme) : fixedAfterCompiled(read, fast)));
    } else if (result === 'unknown' && status === 'not-affected') {
      status = 'unknown';
      (fixed ??= []).push(...range.events.flatMap((e) => (e.fixed === undefined ? []
        : [e.fixed])));
    }
  }

  return entryVerdict(status, fixed, gitRangesSkipped);
}

/** The verdict of one entry from what its ranges gave, shared by the compiled path. */
export function entryVerdict(status: EntryVerdict['status'], fixed: string[] | undefined,
  gitRangesSkipped: number): EntryVerdict {
  // Most entries miss: they share one verdict rather than each making an object and a list.
  if (status === 'not-affected' && gitRangesSkipped === 0) {
    return missed;
  }

  // A list of one or none has nothing to remove.
  return { status, fixed: fixed === undefined ? [] : fixed.length > 1 ? [...new Set(fixed)] : fixed,
    gitRangesSkipped };
}

const missed: EntryVerdict = Object.freeze({
  status: 'not-affected', fixed: Object.freeze([]) as unknown as string[], gitRangesSkipped: 0,
});

function evaluateRange(version: string, range: OsvRange, scheme: VersionScheme): RangeResult {
  // compare() throws for a version the scheme cannot read, on either side: that makes the
  // range's verdict unknown rather than a silent "not affected".
  try {
    const sorted = sortEvents(range.events, scheme);
    if (!belowSomeLimit(version, sorted, scheme)) {
      return 'not-affected';
    }

    let affected = false;
    for (const event of sorted) {
      if (event.introduced !== undefined) {
        affected ||= event.introduced === '0' || scheme.compare(version, event.introduced) >= 0;
      } else if (event.fixed !== undefined && scheme.compare(version, event.fixed) >= 0) {
        affected = false;
      } else if (event.last_affected !== undefined
        && scheme.compare(version, event.last_affected) > 0) {
        affected = false;
      }
    }

    return affected ? 'affected' : 'not-affected';
  } catch {
    return 'unknown';
  }
}

/** False when the range has `limit` events and `version` is below none of them. */
function belowSomeLimit(version: string, events: OsvEvent[], scheme: VersionScheme): boolean {
  let limited = false;
  for (const event of events) {
    if (event.limit !== undefined) {
      if (scheme.compare(version, event.limit) < 0) {
        return true;
      }

      limited = true;
    }
  }

  return !limited;
}

/** Sorts events by version, `introduced: "0"` first; throws for an unreadable version. */
function sortEvents(events: OsvEvent[], scheme: VersionScheme): OsvEvent[] {
  // The common shape, [introduced "0", one other event], is already in order.
  if (events.length <= 2 && events[0]?.introduced === '0') {
    return events;
  }

  return [...events].sort((a, b) => {
    const va = eventVersion(a);
    const vb = eventVersion(b);
    if (va === undefined || vb === undefined) {
      return (va === undefined ? 0 : 1) - (vb === undefined ? 0 : 1);
    }

    return scheme.compare(va, vb);
  });
}

/** The event's version, or undefined for `introduced: "0"` (before every version). */
function eventVersion(event: OsvEvent): string | undefined {
  if (event.introduced === '0') {
    return undefined;
  }

  return event.introduced ?? event.fixed ?? event.last_affected ?? event.limit;
}

function fixedAfter(version: string, range: OsvRange, scheme: VersionScheme): string[] {
  const fixed: string[] = [];
  for (const event of range.events) {
    if (event.fixed !== undefined && isBefore(version, event.fixed, scheme)) {
      fixed.push(event.fixed);
    }
  }

  return fixed;
}

// An unreadable fixed version is left out rather than failing the verdict.
function isBefore(version: string, fixed: string, scheme: VersionScheme): boolean {
  try {
    return scheme.compare(version, fixed) < 0;
  } catch {
    return false;
  }
}

// Docker-era Go modules publish `19.03.1` and `17.06.0-ce`, whose leading zeros SemVer 2.0
// forbids (§2); OSV SEMVER ranges carry them as published. Compared numerically instead.
const leadingZeros = /^(\d+)\.(\d+)\.(\d+)/;

function withoutLeadingZeros(version: string): string {
  return version.replace(leadingZeros, (_m, a: string, b: string, c: string) =>
    [a, b, c].map((n) => String(Number(n))).join('.'));
}

// One lenient scheme per base scheme, so its parsed forms outlive a single matching call.
const lenient = new WeakMap<VersionScheme, VersionScheme>();

/** A SemVer scheme that reads `19.03.1` as `19.3.1`. */
export function lenientSemver(scheme: VersionScheme): VersionScheme {
  let made = lenient.get(scheme);
  if (made === undefined) {
    made = isParsed(scheme) ? lenientParsed(scheme) : {
      name: scheme.name,
      isValid: (v) => scheme.isValid(v) || scheme.isValid(withoutLeadingZeros(v)),
      compare: (a, b) => scheme.compare(withoutLeadingZeros(a), withoutLeadingZeros(b)),
    };
    lenient.set(scheme, made);
  }

  return made;
}

// A version valid as it stands has no leading zeros, so reading every version without them
// accepts the same strings and orders them the same as trying both.
function lenientParsed<P>(scheme: ParsedScheme<P>): ParsedScheme<P> {
  return parsedScheme({
    name: scheme.name,
    parse: (v) => scheme.parse(withoutLeadingZeros(v)),
    compareParsed: scheme.compareParsed,
  });
}

/** True for a scheme that keeps each string's parsed form, or why it is invalid. */
export function isParsed(scheme: VersionScheme): scheme is ParsedScheme<unknown> {
  return 'parse' in scheme && 'compareParsed' in scheme;
}
