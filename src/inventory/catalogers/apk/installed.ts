// Reads apk-tools' database of installed packages (`/lib/apk/db/installed`): one record per
// package, blank-line separated, each line `X:value` with a one-letter key
// (https://wiki.alpinelinux.org/wiki/Apk_spec, "Installed Database V2").
import type { Warning } from '../../model.js';

export interface ApkEntry {
  name: string;
  version: string;
  architecture?: string;
  license?: string;
  origin?: string;
}

export const MAX_APK_PACKAGES = 100_000;

/** Parses the database; records without P or V are skipped with a warning. */
export function parseApkInstalled(
  text: string,
  path: string,
): { entries: ApkEntry[]; warnings: Warning[] } {
  const entries: ApkEntry[] = [];
  const warnings: Warning[] = [];
  let record = new Map<string, string>();
  let malformed = 0;

  const finish = () => {
    if (record.size === 0) {
      return;
    }

    const entry = toEntry(record);
    if (entry === undefined) {
      const message = 'record without a valid P: or V:; skipped';
      warnings.push({ code: 'APK_MALFORMED_RECORD', message, path });
    } else if (entries.length < MAX_APK_PACKAGES) {
      entries.push(entry);
    }

    record = new Map();
  };

  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      finish();
      continue;
    }

    // Only the first value of a key matters for the fields read here; F:/R: repeat.
    if (line[1] !== ':' || line.length < 2) {
      malformed++;
      continue;
    }

    const key = line[0] ?? '';
    if (!record.has(key)) {
      record.set(key, line.slice(2).trim());
    }
  }

  finish();
  if (malformed > 0) {
    const message = `${malformed} lines are not KEY:value; skipped`;
    warnings.push({ code: 'APK_MALFORMED_LINE', message, path });
  }

  if (entries.length >= MAX_APK_PACKAGES) {
    const message = `read only the first ${MAX_APK_PACKAGES} packages`;
    warnings.push({ code: 'APK_TOO_MANY_PACKAGES', message, path });
  }

  return { entries, warnings };
}

function toEntry(record: Map<string, string>): ApkEntry | undefined {
  const name = record.get('P');
  const version = record.get('V');
  if (name === undefined || version === undefined || name === '' || version === '') {
    return undefined;
  }

  if (/\s/.test(name) || /\s/.test(version)) {
    return undefined;
  }

  return {
    name,
    version,
    architecture: record.get('A') || undefined,
    license: record.get('L') || undefined,
    origin: record.get('o') || undefined,
  };
}
