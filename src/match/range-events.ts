// The OSV rule for one range's events, whatever form its versions are held in (parsed, or
// ranked as integers): `limit` events bound the range first; then, over the events in order,
// `introduced` opens it, `fixed` closes it at that version and `last_affected` just after.
// One copy of the rule, so every fast path judges exactly as the others.

/** An event's versions in some comparable form; `introduced: "0"` is `introducedZero`. */
export interface RangeEvent<B> {
  introducedZero: boolean;
  introduced?: B;
  fixed?: B;
  lastAffected?: B;
  limit?: B;
}

/**
 * Whether the version lies in the range. `against(bound)` is negative, zero or positive as
 * the version is below, equal to or above `bound`; a bound it need not compare is skipped.
 * @throws whatever `against` throws (an unreadable version).
 */
export function inEvents<B>(sorted: readonly RangeEvent<B>[],
  against: (bound: B) => number): boolean {
  let limited = false;
  let below = false;
  for (const event of sorted) {
    if (event.limit !== undefined) {
      if (against(event.limit) < 0) {
        below = true;
        break;
      }

      limited = true;
    }
  }

  if (limited && !below) {
    return false;
  }

  let affected = false;
  for (const event of sorted) {
    if (event.introduced !== undefined || event.introducedZero) {
      affected ||= event.introducedZero || against(event.introduced as B) >= 0;
    } else if (event.fixed !== undefined && against(event.fixed) >= 0) {
      affected = false;
    } else if (event.lastAffected !== undefined && against(event.lastAffected) > 0) {
      affected = false;
    }
  }

  return affected;
}
