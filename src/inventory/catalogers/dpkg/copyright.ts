// Reads license names from machine-readable Debian copyright files (DEP-5,
// https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/). Free-form copyright
// files name licenses in prose and are not guessed at.
import { parseStanzas } from '../rfc822.js';

const MAX_LICENSES = 100;

/** The distinct short license names of a DEP-5 file, in order of appearance; [] otherwise. */
export function parseCopyrightLicenses(text: string): string[] {
  const parsed = parseStanzas(text, { maxStanzas: 10_000 });
  const header = parsed.stanzas[0];
  if (header?.get('format') === undefined) {
    return [];
  }

  const licenses: string[] = [];
  for (const stanza of parsed.stanzas) {
    for (const value of stanza.get('license') ?? []) {
      // The first line is the short name (or expression); further lines are the text.
      const name = value.split('\n')[0]?.trim() ?? '';
      if (name !== '' && !licenses.includes(name) && licenses.length < MAX_LICENSES) {
        licenses.push(name);
      }
    }
  }

  return licenses;
}
