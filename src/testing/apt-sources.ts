// Finds the Debian mirror this machine's apt uses, so debootstrap reaches the same mirror
// (machines here reach only that one). Reads both formats apt accepts: one-line
// `sources.list` entries and deb822 `.sources` stanzas (sources.list(5)).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AptSource {
  uri: string;
  suites: string[];
}

/** Parses one-line entries: `deb [opts] URI SUITE COMPONENT...`; comments and deb-src skipped. */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      sources.push({ uri: match[1], suites: [match[2]] });
    }
  }

  return sources;
}

/** Parses deb822 stanzas with `Types: deb`; stanzas with `Enabled: no` are skipped. */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match?.[1] !== undefined && !line.startsWith('#')) {
        fields.set(match[1].toLowerCase(), match[2]?.trim() ?? '');
      }
    }

    const types = (fields.get('types') ?? '').split(/\s+/);
    if (!types.includes('deb') || fields.get('enabled')?.toLowerCase() === 'no') {
      continue;
    }

    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) {
      sources.push({ uri, suites });
    }
  }

  return sources;
}

/** Every enabled apt source under `etcApt` (default `/etc/apt`). */
export function readAptSources(etcApt = '/etc/apt'): AptSource[] {
  const sources: AptSource[] = [];
  const list = readText(join(etcApt, 'sources.list'));
  if (list !== undefined) {
    sources.push(...parseOneLineSources(list));
  }

  const dir = join(etcApt, 'sources.list.d');
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    names = [];
  }

  for (const name of names) {
    const text = readText(join(dir, name));
    if (text === undefined) {
      continue;
    }

    if (name.endsWith('.list')) {
      sources.push(...parseOneLineSources(text));
    } else if (name.endsWith('.sources')) {
      sources.push(...parseDeb822Sources(text));
    }
  }

  return sources;
}

/**
 * The mirror that serves `suite` (the Debian archive, not the security one).
 * Throws an Error when apt names none.
 */
export function debianMirror(suite: string, etcApt = '/etc/apt'): string {
  const found = readAptSources(etcApt).find((source) => source.suites.includes(suite));
  if (found === undefined) {
    throw new Error(`no apt source for ${suite} under ${etcApt}; add a Debian mirror to apt`);
  }

  return found.uri;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
