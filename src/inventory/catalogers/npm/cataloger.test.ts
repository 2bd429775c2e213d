import { beforeAll, describe, expect, it } from 'vitest';
import { NPM_NEEDS, npmTree } from '../../../testing/npm.js';
import { skipReason } from '../../../testing/requirements.js';
import type { Package, Warning } from '../../model.js';
import { buildView, filesFromHostDir } from '../../test-view.js';
import { npmCataloger } from './cataloger.js';

const keep = (rel: string) => rel.endsWith('package.json') || rel.endsWith('package-lock.json');

describe.skipIf(skipReason('npm cataloger on a real tree', NPM_NEEDS))(
  'npm cataloger on a tree installed from the registry',
  () => {
    let packages: Package[] = [];
    let warnings: Warning[] = [];

    beforeAll(async () => {
      const pkgs = ['lodash@4.17.15', '@babel/code-frame@7.0.0', 'minimist@1.2.0', 'mkdirp@0.5.1'];
      const project = await npmTree(pkgs);
      const view = buildView(filesFromHostDir(project, '/app', keep), [npmCataloger]);
      ({ packages, warnings } = await npmCataloger.catalog(view, {}));
    }, 600_000);

    const find = (name: string, version: string) =>
      packages.filter((p) => p.name === name && p.version === version);

    it('finds top-level, scoped and nested packages with purls', () => {
      expect(find('lodash', '4.17.15')[0]?.purl).toBe('pkg:npm/lodash@4.17.15');
      expect(find('@babel/code-frame', '7.0.0')[0]?.purl).toBe('pkg:npm/%40babel/code-frame@7.0.0');
      expect(find('minimist', '1.2.0')[0]?.locations[0]?.path).toBe(
        '/app/node_modules/minimist/package.json',
      );
      expect(find('minimist', '0.0.8')[0]?.locations[0]?.path).toBe(
        '/app/node_modules/mkdirp/node_modules/minimist/package.json',
      );
      expect(find('lodash', '4.17.15')[0]?.licenses).toEqual(['MIT']);
    });

    it('merges the lockfile entry and the installed package.json at one path', () => {
      const [lodash, ...more] = find('lodash', '4.17.15');

      expect(more).toEqual([]);
      expect(lodash?.locations.map((l) => l.path)).toEqual([
        '/app/node_modules/lodash/package.json',
        '/app/node_modules/.package-lock.json',
        '/app/package-lock.json',
      ]);
    });

    it('skips the project itself and reports no warnings', () => {
      expect(packages.some((p) => p.name === 'moat-fixture')).toBe(false);
      expect(new Set(packages.map((p) => p.locations[0]?.path)).size).toBe(packages.length);
      expect(warnings).toEqual([]);
    });
  },
);

describe('npm cataloger and packages a lockfile lists but nobody installed', () => {
  const lockfile = (packages: Record<string, object>) =>
    JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': {}, ...packages } });
  const manifest = (name: string, version: string) => JSON.stringify({ name, version });

  async function names(files: Record<string, string>): Promise<string[]> {
    const view = buildView(files, [npmCataloger]);
    const { packages } = await npmCataloger.catalog(view, {});
    return packages.map((p) => `${p.name}@${p.version}`).sort();
  }

  it('leaves out optional packages for other platforms next to node_modules', async () => {
    const found = await names({
      '/app/package-lock.json': lockfile({
        'node_modules/next': { version: '14.0.0' },
        'node_modules/@next/swc-darwin-arm64': { version: '14.0.0', optional: true },
      }),
      '/app/node_modules/next/package.json': manifest('next', '14.0.0'),
    });

    expect(found).toEqual(['next@14.0.0']);
  });

  it('reports a lockfile alone when the project has no node_modules', async () => {
    const found = await names({
      '/src/package-lock.json': lockfile({
        'node_modules/lodash': { version: '4.17.15' },
        'node_modules/@next/swc-darwin-arm64': { version: '14.0.0', optional: true },
      }),
    });

    expect(found).toEqual(['@next/swc-darwin-arm64@14.0.0', 'lodash@4.17.15']);
  });

  it('ignores the lockfile of an asset bundled inside an installed package', async () => {
    const found = await names({
      '/app/node_modules/aws-cdk-lib/package.json': manifest('aws-cdk-lib', '2.100.0'),
      '/app/node_modules/aws-cdk-lib/handlers/package-lock.json': lockfile({
        'node_modules/left-pad': { version: '1.0.0' },
      }),
    });

    expect(found).toEqual(['aws-cdk-lib@2.100.0']);
  });
});
