// The matching benchmark's inventory: 10,000 real package names from the OSV data itself
// (every Debian 12 source package, then PyPI, Go, Maven and npm names), each at a version
// taken from its own advisories' events, so the matcher works on every package. Deterministic:
// the same data gives the same inventory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Inventory, Package, PackageType } from '../inventory/model.js';

interface Source {
  file: string;
  type: PackageType;
  ecosystem: string;
}

// Debian first and whole: an OS package list is the bulk of a real image's inventory.
const SOURCES: Source[] = [
  { file: 'debian-12.jsonl', type: 'deb', ecosystem: 'Debian' },
  { file: 'pypi.jsonl', type: 'pypi', ecosystem: 'PyPI' },
  { file: 'go.jsonl', type: 'golang', ecosystem: 'Go' },
  { file: 'maven.jsonl', type: 'maven', ecosystem: 'Maven' },
  { file: 'npm.jsonl', type: 'npm', ecosystem: 'npm' },
];

interface Affected {
  package?: { name?: string };
  ranges?: { events?: Record<string, string>[] }[];
}

/** Names (in first-seen order) and the event versions each one's advisories mention. */
async function readVersions(file: string): Promise<Map<string, Set<string>>> {
  const names = new Map<string, Set<string>>();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') {
      continue;
    }

    const record = JSON.parse(line) as { affected?: Affected[] };
    for (const entry of record.affected ?? []) {
      const name = entry.package?.name;
      if (name === undefined) {
        continue;
      }

      const versions = names.get(name) ?? new Set<string>();
      names.set(name, versions);
      for (const event of (entry.ranges ?? []).flatMap((r) => r.events ?? [])) {
        const version = event.fixed ?? event.last_affected ?? event.introduced;
        if (version !== undefined && version !== '0') {
          versions.add(version);
        }
      }
    }
  }

  return names;
}

/** A stable pick from `values` by name, so runs and machines agree. */
function pick(name: string, values: string[]): string | undefined {
  if (values.length === 0) {
    return undefined;
  }

  const digest = createHash('sha256').update(name).digest();
  return [...values].sort()[digest.readUInt32BE(0) % values.length];
}

function toPackage(source: Source, name: string, version: string): Package {
  const purlName = encodeURIComponent(name);
  return {
    name,
    version,
    type: source.type,
    ecosystem: source.ecosystem,
    purl: `pkg:${source.type}/${purlName}@${encodeURIComponent(version)}`,
    licenses: [],
    locations: [{ path: `/bench/${source.type}` }],
    ...(source.type === 'deb' ? { source: { name, version } } : {}),
  };
}

/**
 * Builds an inventory of `size` packages on Debian 12 from the `.jsonl` files in `vulndata`.
 * Throws when a file is missing or unreadable.
 */
export async function benchInventory(vulndata: string, size = 10_000): Promise<Inventory> {
  const packages: Package[] = [];
  for (const source of SOURCES) {
    const names = await readVersions(join(vulndata, source.file));
    for (const [name, versions] of names) {
      if (packages.length >= size) {
        break;
      }

      // A package whose advisories name no version sits at the oldest plausible one.
      const version = pick(name, [...versions]) ?? '0.0.1';
      packages.push(toPackage(source, name, version));
    }
  }

  return {
    image: { reference: 'bench-inventory', transport: 'dir', layers: [] },
    os: { id: 'debian', versionId: '12', idLike: [] },
    packages,
    warnings: [],
  };
}
