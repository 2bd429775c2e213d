// Reads Python core metadata (METADATA in wheels' .dist-info, PKG-INFO in .egg-info):
// RFC 822 headers as specified at https://packaging.python.org/specifications/core-metadata/.
import { field, parseStanzas } from '../rfc822.js';

export interface PythonMetadata {
  name: string;
  version: string;
  licenses: string[];
}

const MAX_LICENSE_LENGTH = 200;
const OSI_PREFIX = /^License :: (?:OSI Approved :: )?/;

/** Parses the headers; undefined when Name or Version is missing or malformed. */
export function parsePythonMetadata(text: string): PythonMetadata | undefined {
  const headers = parseStanzas(text, { maxStanzas: 1, headersOnly: true }).stanzas[0];
  const name = headers === undefined ? undefined : field(headers, 'Name');
  const version = headers === undefined ? undefined : field(headers, 'Version');
  if (headers === undefined || name === undefined || version === undefined) {
    return undefined;
  }

  if (/\s/.test(name) || /\s/.test(version)) {
    return undefined;
  }

  return { name, version, licenses: licensesOf(headers) };
}

// PEP 639's License-Expression wins; otherwise the License field (unless it holds a whole
// license text or UNKNOWN) and the license classifiers.
function licensesOf(headers: Map<string, string[]>): string[] {
  const expression = field(headers, 'License-Expression');
  if (expression !== undefined) {
    return [expression];
  }

  const licenses: string[] = [];
  const declared = field(headers, 'License');
  if (declared !== undefined && isShortName(declared)) {
    licenses.push(declared);
  }

  for (const classifier of headers.get('classifier') ?? []) {
    if (!OSI_PREFIX.test(classifier)) {
      continue;
    }

    const name = classifier.replace(OSI_PREFIX, '').trim();
    if (name !== '' && !licenses.includes(name)) {
      licenses.push(name);
    }
  }

  return licenses;
}

function isShortName(value: string): boolean {
  return value.length <= MAX_LICENSE_LENGTH && !value.includes('\n') && value !== 'UNKNOWN';
}

/** PEP 503 normalised name, as the pypi purl type and PyPI's index use it. */
export function normalisePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
