// Turns one untrusted OSV text into a checked record, or says why it was skipped. Every size
// and count read from input is bounded so that one hostile record cannot exhaust memory.
import type { OsvAffected, OsvRange, OsvRecord } from './osv.js';

export const recordLimits = {
  maxBytes: 4 * 1024 * 1024,
  maxAffected: 5_000,
  maxRanges: 500,
  maxEvents: 2_000,
  maxVersions: 100_000,
  maxIdLength: 128,
};

export type ParseOutcome = { record: OsvRecord } | { skipped: string };

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:+-]*$/;
const rangeTypes = new Set(['ECOSYSTEM', 'SEMVER', 'GIT']);
const eventKinds = new Set(['introduced', 'fixed', 'last_affected', 'limit']);

/** Parses and checks one OSV record; never throws. */
export function parseOsvRecord(text: string | Buffer): ParseOutcome {
  if (text.length > recordLimits.maxBytes) {
    return { skipped: `record larger than ${recordLimits.maxBytes} bytes` };
  }

  let value: unknown;
  try {
    value = JSON.parse(text.toString());
  } catch {
    return { skipped: 'not valid JSON' };
  }

  const problem = checkRecord(value);
  return problem === undefined ? { record: value as OsvRecord } : { skipped: problem };
}

function checkRecord(value: unknown): string | undefined {
  if (!isObject(value)) {
    return 'not a JSON object';
  }

  const { id, modified } = value;
  if (typeof id !== 'string' || id.length > recordLimits.maxIdLength || !idPattern.test(id)) {
    return 'missing or invalid id';
  }

  if (typeof modified !== 'string' || Number.isNaN(Date.parse(modified))) {
    return `${id}: missing or invalid modified date`;
  }

  for (const key of ['aliases', 'related', 'upstream'] as const) {
    if (value[key] !== undefined && !isStringArray(value[key], 10_000)) {
      return `${id}: ${key} is not a list of strings`;
    }
  }

  const affected = value.affected ?? [];
  if (!Array.isArray(affected) || affected.length > recordLimits.maxAffected) {
    return `${id}: affected is not a list or too long`;
  }

  for (const entry of affected) {
    const reason = checkAffected(entry);
    if (reason !== undefined) {
      return `${id}: ${reason}`;
    }
  }

  return undefined;
}

function checkAffected(entry: unknown): string | undefined {
  if (!isObject(entry)) {
    return 'affected entry is not an object';
  }

  const { package: pkg, ranges, versions } = entry as Record<string, unknown> & OsvAffected;
  if (pkg !== undefined) {
    if (!isObject(pkg) || typeof pkg.ecosystem !== 'string' || typeof pkg.name !== 'string') {
      return 'affected package lacks ecosystem or name';
    }
  }

  if (versions !== undefined && !isStringArray(versions, recordLimits.maxVersions)) {
    return 'versions is not a list of strings';
  }

  if (ranges === undefined) {
    return undefined;
  }

  if (!Array.isArray(ranges) || ranges.length > recordLimits.maxRanges) {
    return 'ranges is not a list or too long';
  }

  return ranges.map(checkRange).find((reason) => reason !== undefined);
}

function checkRange(range: OsvRange): string | undefined {
  if (!isObject(range) || !rangeTypes.has(range.type)) {
    return 'range has an unknown type';
  }

  const events: unknown = range.events;
  if (!Array.isArray(events) || events.length === 0 || events.length > recordLimits.maxEvents) {
    return 'range events missing or too many';
  }

  for (const event of events) {
    if (!isObject(event)) {
      return 'range event is not an object';
    }

    const keys = Object.keys(event);
    const key = keys[0];
    if (keys.length !== 1 || key === undefined || !eventKinds.has(key)) {
      return 'range event must have exactly one of introduced, fixed, last_affected, limit';
    }

    if (typeof event[key] !== 'string') {
      return 'range event version is not a string';
    }
  }

  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown, max: number): value is string[] {
  return Array.isArray(value) && value.length <= max && value.every((v) => typeof v === 'string');
}
