// The standards an audit can be held to. `pss-baseline` and `pss-restricted` select exactly the
// controls that implement those Pod Security Standards levels; `moat` is every control of the
// target (the bank profile: restricted plus limits, runtime class, image provenance, …).
import { UsageError } from '../errors.js';
import type { Control, Target } from './catalog/control.js';

export const STANDARDS = ['pss-baseline', 'pss-restricted', 'moat'] as const;
export type Standard = (typeof STANDARDS)[number];

/**
 * Parses a `--standard` value.
 * @throws UsageError for an unknown name.
 */
export function parseStandard(value: string): Standard {
  if (!STANDARDS.includes(value as Standard)) {
    throw new UsageError(`unknown standard ${value}; use one of ${STANDARDS.join(', ')}`);
  }

  return value as Standard;
}

export function controlsFor(
  standard: Standard,
  catalog: Map<string, Control>,
  target: Target,
): Control[] {
  const all = [...catalog.values()].filter((c) => c.target === target);
  if (standard === 'moat') {
    return all;
  }

  const levels = standard === 'pss-baseline' ? ['baseline'] : ['baseline', 'restricted'];
  return all.filter(
    (c) => c.references.pss !== undefined && levels.includes(c.references.pss.level),
  );
}
