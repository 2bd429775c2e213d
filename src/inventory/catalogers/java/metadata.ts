// Parsers for the metadata files inside Java archives: Maven's pom.properties (Java
// properties syntax) and the JAR manifest's main section (JAR File Specification,
// "Manifest Specification": 72-byte lines continued by a leading space).

/** Key-value pairs of a .properties file; comments and blank lines skipped. */
export function parseProperties(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/).slice(0, 1000)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) {
      continue;
    }

    const match = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      values.set(match[1], match[2].replace(/\\(.)/g, '$1'));
    }
  }

  return values;
}

/** The attributes of a manifest's main section. */
export function parseManifest(text: string): Map<string, string> {
  const values = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/).slice(0, 10_000)) {
    if (line === '') {
      break;
    }

    if (line.startsWith(' ') && last !== undefined) {
      values.set(last, (values.get(last) ?? '') + line.slice(1));
      continue;
    }

    const colon = line.indexOf(':');
    if (colon > 0) {
      last = line.slice(0, colon).trim();
      values.set(last, line.slice(colon + 1).trim());
    }
  }

  return values;
}

export interface FileNameIdentity {
  artifact: string;
  version: string;
}

/** `commons-io-2.11.0.jar` → commons-io 2.11.0; undefined without a version part. */
export function parseArchiveName(fileName: string): FileNameIdentity | undefined {
  const stem = fileName.replace(/\.[a-z]+$/i, '');
  const match = /^(.+?)-(\d[\w.+-]*)$/.exec(stem);
  if (match?.[1] === undefined || match[2] === undefined) {
    return undefined;
  }

  return { artifact: match[1], version: match[2] };
}
