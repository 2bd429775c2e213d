// Parses the "Key: value" stanza format shared by dpkg status files, Debian copyright files
// (DEP-5) and Python core metadata (RFC 822 headers). Continuation lines start with a space
// or tab; stanzas are separated by blank lines. Hand-written because no maintained library
// parses the dpkg flavour with the size limits untrusted images need.

/** One stanza: lower-cased field names to their values (repeated fields keep every value). */
export type Stanza = Map<string, string[]>;

export interface ParsedStanzas {
  stanzas: Stanza[];
  /** 1-based line numbers of lines that fit no field, with the reason. */
  problems: Array<{ line: number; reason: string }>;
  /** True when the stanza limit cut the input short. */
  truncated: boolean;
}

export interface StanzaOptions {
  maxStanzas: number;
  /** Stop at the first blank line and ignore the rest (a Python METADATA body). */
  headersOnly?: boolean;
}

/** Splits text into stanzas; malformed lines are reported and skipped, never thrown. */
export function parseStanzas(text: string, options: StanzaOptions): ParsedStanzas {
  const result: ParsedStanzas = { stanzas: [], problems: [], truncated: false };
  let current: Stanza | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      if (options.headersOnly === true && current !== undefined) {
        break;
      }

      current = undefined;
      lastKey = undefined;
      continue;
    }

    if (line.startsWith(' ') || line.startsWith('\t')) {
      const values = lastKey === undefined ? undefined : current?.get(lastKey);
      if (values === undefined || values.length === 0) {
        result.problems.push({ line: i + 1, reason: 'continuation line without a field' });
        continue;
      }

      values[values.length - 1] += `\n${line.slice(1)}`;
      continue;
    }

    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) {
      result.problems.push({ line: i + 1, reason: 'line is neither a field nor a continuation' });
      continue;
    }

    if (current === undefined) {
      if (result.stanzas.length >= options.maxStanzas) {
        result.truncated = true;
        break;
      }

      current = new Map();
      result.stanzas.push(current);
    }

    lastKey = line.slice(0, colon).toLowerCase();
    const values = current.get(lastKey) ?? [];
    values.push(line.slice(colon + 1).trim());
    current.set(lastKey, values);
  }

  return result;
}

/** The first value of a field, trimmed; undefined when absent or empty. */
export function field(stanza: Stanza, name: string): string | undefined {
  const value = stanza.get(name.toLowerCase())?.[0]?.trim();
  return value === undefined || value === '' ? undefined : value;
}
