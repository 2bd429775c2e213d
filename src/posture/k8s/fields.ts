// Defensive readers for untrusted manifest values: a wrong type reads as "absent" instead of
// crashing, so a malformed field is judged as unset (the restrictive reading).

export type Fields = Record<string, unknown>;

export function asFields(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Fields)
    : undefined;
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads a nested field, `undefined` when any step is missing or not a mapping. */
export function dig(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    const fields = asFields(current);
    if (fields === undefined) {
      return undefined;
    }

    current = fields[key];
  }

  return current;
}
