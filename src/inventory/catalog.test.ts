import { describe, expect, it } from 'vitest';
import type { Cataloger } from './cataloger.js';
import { catalogFiles } from './catalog.js';
import type { Package } from './model.js';
import { osDetector } from './os.js';
import { buildView } from './test-view.js';

const base = { index: 0, digest: 'sha256:' + '0'.repeat(64) };
const top = { index: 1, digest: 'sha256:' + '1'.repeat(64) };

function pkg(name: string, version: string, path: string, ecosystem = 'npm'): Package {
  const purl = `pkg:npm/${name}@${version}`;
  return { name, version, type: 'npm', ecosystem, purl, licenses: [], locations: [{ path }] };
}

function fixed(name: string, packages: Package[]): Cataloger {
  return { name, select: () => undefined, catalog: async () => ({ packages, warnings: [] }) };
}

describe('catalogFiles', () => {
  const view = buildView(
    {
      '/etc/os-release': { content: 'ID=alpine\nVERSION_ID=3.19.1\n', layer: base },
      '/app/a/package.json': { content: '{}', layer: top },
      '/app/x.war': { content: 'zip', layer: top },
    },
    [osDetector],
  );

  it('detects the OS, sets layers and sorts packages', async () => {
    const result = await catalogFiles(
      view,
      [
        fixed('one', [
          pkg('zeta', '1.0.0', '/app/a/package.json'),
          pkg('alpha', '2.0.0', '/missing'),
        ]),
        fixed('two', [
          pkg('lib', '1.0', '/app/x.war:WEB-INF/lib/lib.jar', 'Maven'),
          pkg('alpha', '1.0.0', '/b'),
        ]),
      ],
      osDetector,
    );

    expect(result.os?.id).toBe('alpine');
    expect(result.packages.map((p) => `${p.ecosystem}/${p.name}@${p.version}`)).toEqual([
      'Maven/lib@1.0',
      'npm/alpha@1.0.0',
      'npm/alpha@2.0.0',
      'npm/zeta@1.0.0',
    ]);
    expect(result.packages[0]?.layer).toEqual(top);
    expect(result.packages[0]?.locations[0]?.layer).toEqual(top);
    expect(result.packages[1]?.layer).toBeUndefined();
  });

  it('turns a failing cataloger into a warning and keeps the others', async () => {
    const broken: Cataloger = {
      name: 'broken',
      select: () => undefined,
      catalog: () => Promise.reject(new Error('boom')),
    };
    const catalogers = [broken, fixed('ok', [pkg('a', '1', '/a')])];
    const result = await catalogFiles(view, catalogers, osDetector);

    expect(result.packages.map((p) => p.name)).toEqual(['a']);
    expect(result.warnings).toEqual([
      { code: 'CATALOGER_FAILED', message: 'broken cataloger failed: boom' },
    ]);
  });
});
