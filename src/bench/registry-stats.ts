// Pure arithmetic of the registry benchmark: latency percentiles, request rates, copy
// throughput and the Moat / reference ratios. No I/O, so the numbers can be checked by tests.

/** What one load run against one registry measured. */
export interface LoadResult {
  /** Requests answered 200 inside the measured window. */
  requests: number;
  /** Requests answered otherwise, or failed on the socket, inside the window. */
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** True when more requests were answered than latencies could be kept. */
  sampled: boolean;
  /** Requests answered 200 over the whole run, warm-up included (for CPU per request). */
  answered: number;
}

/**
 * The nearest-rank percentile (0 < p ≤ 100) of values sorted ascending; 0 for no values.
 * Throws a RangeError for p outside (0, 100].
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) {
    throw new RangeError(`percentile ${p} is not in (0, 100]`);
  }

  if (sorted.length === 0) {
    return 0;
  }

  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1] ?? 0;
}

/** Summarises a window's latencies (milliseconds, any order; sorted here in place). */
export function summarizeLoad(
  latenciesMs: Float64Array,
  counts: { requests: number; errors: number; answered: number },
  seconds: number,
): LoadResult {
  latenciesMs.sort();
  return {
    answered: counts.answered,
    requests: counts.requests,
    errors: counts.errors,
    seconds,
    rps: seconds > 0 ? counts.requests / seconds : 0,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    maxMs: latenciesMs.length === 0 ? 0 : latenciesMs[latenciesMs.length - 1] ?? 0,
    sampled: latenciesMs.length < counts.requests,
  };
}

/** Decimal megabytes per second, as skopeo and network tools count them. */
export function megabytesPerSecond(bytes: number, seconds: number): number {
  return seconds > 0 ? bytes / 1e6 / seconds : 0;
}

/** Moat's number over the reference's, or undefined when the reference measured nothing. */
export function ratio(moat: number, reference: number): number | undefined {
  return reference > 0 ? moat / reference : undefined;
}

/** The median of a series (the upper middle one for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

/**
 * User + system CPU seconds of a process from the text of `/proc/PID/stat` (proc(5): utime
 * and stime are fields 14 and 15, counted after the parenthesised command name, which may
 * hold spaces). Throws a RangeError when the text is not in that form.
 */
export function parseProcStatCpu(text: string, ticksPerSecond: number): number {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Field 3 (state) is the first after the name, so utime is at index 14 - 3.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!text.includes(')') || !Number.isInteger(utime) || !Number.isInteger(stime)) {
    throw new RangeError(`not a /proc/PID/stat line: ${text.slice(0, 80)}`);
  }

  return (utime + stime) / ticksPerSecond;
}
