// OSV ranges with their event versions parsed and sorted once, for schemes that keep parsed
// forms: a held matcher evaluates the same ranges for every new version, and re-sorting the
// events and looking each string up in the scheme's cache cost more than the comparisons.
import type { OsvEvent, OsvRange } from '../advisories/osv.js';
import type { ParsedScheme } from '../versions/parsed-scheme.js';
import { inEvents, type RangeEvent } from './range-events.js';

/** One event with each of its versions parsed; `introduced: "0"` is left unparsed. */
interface CompiledEvent<P> extends RangeEvent<P> {
  /** The version the events are sorted by; undefined for `introduced: "0"`. */
  sortKey?: P;
}

/** A range's events in evaluation order, and its `fixed` versions in the order given. */
export interface CompiledRange<P> {
  scheme: ParsedScheme<P>;
  sorted: CompiledEvent<P>[];
  fixed: { text: string; parsed: P }[];
}

/** The installed version as the scheme read it, or the error reading it gave. */
export type ReadVersion<P> = { ok: true; value: P } | { ok: false; error: unknown };

// Ranges are parsed objects a held index keeps, so a range names its compiled form; a range
// is evaluated with one scheme, but the scheme is kept with it so another one compiles anew.
type Kept = { scheme: unknown; made: CompiledRange<unknown> | undefined };
const compiled = new WeakMap<OsvRange, Kept>();

/**
 * The compiled form of `range` under `scheme`; undefined when one of its versions cannot be
 * read, so the caller evaluates it string by string and gets the verdict that gives.
 */
export function compileRange<P>(
  range: OsvRange,
  scheme: ParsedScheme<P>,
): CompiledRange<P> | undefined {
  const kept = compiled.get(range);
  if (kept !== undefined && kept.scheme === scheme) {
    return kept.made as CompiledRange<P> | undefined;
  }

  const made = build(range, scheme);
  compiled.set(range, { scheme, made: made as CompiledRange<unknown> | undefined });
  return made;
}

/** The installed version read by `scheme`, remembered for the call after: rows come in runs. */
export function readVersion<P>(version: string, scheme: ParsedScheme<P>): ReadVersion<P> {
  if (last !== undefined && last.scheme === scheme && last.version === version) {
    return last.read as ReadVersion<P>;
  }

  let read: ReadVersion<P>;
  try {
    read = { ok: true, value: scheme.parse(version) };
  } catch (error) {
    read = { ok: false, error };
  }

  last = { scheme, version, read };
  return read;
}

let last: { scheme: unknown; version: string; read: ReadVersion<unknown> } | undefined;

function build<P>(range: OsvRange, scheme: ParsedScheme<P>): CompiledRange<P> | undefined {
  try {
    const events = range.events.map((event) => compileEvent(event, scheme));
    // The order `sortEvents` in range.ts gives, from the same comparisons.
    const sorted = events.length <= 2 && events[0]?.introducedZero === true ? events
      : [...events].sort((a, b) => {
        if (a.sortKey === undefined || b.sortKey === undefined) {
          return (a.sortKey === undefined ? 0 : 1) - (b.sortKey === undefined ? 0 : 1);
        }

        return scheme.compareParsed(a.sortKey, b.sortKey);
      });
    const fixed = range.events.flatMap((event) => (event.fixed === undefined ? []
      : [{ text: event.fixed, parsed: scheme.parse(event.fixed) }]));
    return { scheme, sorted, fixed };
  } catch {
    return undefined;
  }
}

function compileEvent<P>(event: OsvEvent, scheme: ParsedScheme<P>): CompiledEvent<P> {
  const read = (text: string | undefined) => (text === undefined ? undefined : scheme.parse(text));
  const introducedZero = event.introduced === '0';
  const made: CompiledEvent<P> = { introducedZero };
  const introduced = introducedZero ? undefined : read(event.introduced);
  const fixed = read(event.fixed);
  const lastAffected = read(event.last_affected);
  const limit = read(event.limit);
  if (introduced !== undefined) made.introduced = introduced;
  if (fixed !== undefined) made.fixed = fixed;
  if (lastAffected !== undefined) made.lastAffected = lastAffected;
  if (limit !== undefined) made.limit = limit;
  const sortKey = introducedZero ? undefined : introduced ?? fixed ?? lastAffected ?? limit;
  if (sortKey !== undefined) made.sortKey = sortKey;
  return made;
}

function valueOf<P>(version: ReadVersion<P>): P {
  if (!version.ok) {
    throw version.error;
  }

  return version.value;
}

/**
 * `evaluateRange` of range.ts on a compiled range: the same verdict, with the installed
 * version read only when a comparison needs it, so an unreadable one gives `unknown` exactly
 * where comparing strings would have thrown.
 */
export function evaluateCompiled<P>(
  version: ReadVersion<P>,
  range: CompiledRange<P>,
): 'affected' | 'not-affected' | 'unknown' {
  const cmp = range.scheme.compareParsed;
  try {
    return inEvents(range.sorted, (bound) => cmp(valueOf(version), bound)) ? 'affected'
      : 'not-affected';
  } catch {
    return 'unknown';
  }
}

/** The range's fixed versions newer than `version`, in order; none for an unreadable one. */
export function fixedAfterCompiled<P>(version: ReadVersion<P>, range: CompiledRange<P>): string[] {
  if (!version.ok) {
    return [];
  }

  const found: string[] = [];
  for (const { text, parsed } of range.fixed) {
    if (range.scheme.compareParsed(version.value, parsed) < 0) {
      found.push(text);
    }
  }

  return found;
}
