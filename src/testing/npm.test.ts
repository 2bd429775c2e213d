import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_TIMEOUT_MS } from './cache.js';
import { NPM_NEEDS, npmTree, VULNERABLE_NPM_PACKAGES } from './npm.js';
import { skipReason } from './requirements.js';

interface OsvRecord {
  id: string;
  affected?: { package?: { name?: string } }[];
}

async function advisedPackages(): Promise<Set<string>> {
  const path = join(import.meta.dirname, '..', '..', '..', 'shared', 'vulndata', 'npm.jsonl');
  const names = new Set<string>();
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    if (line.trim() === '') {
      continue;
    }

    const record = JSON.parse(line) as OsvRecord;
    for (const affected of record.affected ?? []) {
      names.add(affected.package?.name ?? '');
    }
  }

  return names;
}

describe.skipIf(skipReason('npm fixture trees', NPM_NEEDS))('npmTree', () => {
  it('installs the pinned versions, scoped and nested, and reuses the cached tree', async () => {
    const dir = await npmTree(VULNERABLE_NPM_PACKAGES);
    const version = async (name: string) =>
      (JSON.parse(await readFile(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }).version;

    expect(await version('lodash')).toBe('4.17.15');
    expect(await version('@babel/traverse')).toBe('7.0.0');
    expect(existsSync(join(dir, 'package-lock.json'))).toBe(true);
    expect(await npmTree([...VULNERABLE_NPM_PACKAGES].reverse())).toBe(dir);
  }, FIXTURE_TIMEOUT_MS);

  it('pins only packages that the shared OSV data has advisories for', async () => {
    const advised = await advisedPackages();

    for (const spec of VULNERABLE_NPM_PACKAGES) {
      expect(advised).toContain(spec.slice(0, spec.lastIndexOf('@')));
    }
  });
});
