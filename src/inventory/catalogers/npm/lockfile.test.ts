import { describe, expect, it } from 'vitest';
import { buildView } from '../../test-view.js';
import { npmCataloger } from './cataloger.js';
import { parseLockfile } from './lockfile.js';

const V1 = JSON.stringify({
  lockfileVersion: 1,
  dependencies: {
    a: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } },
    local: { version: 'file:../local' },
    aliased: { version: 'npm:lodash@4.17.21' },
    bad: { version: 42 },
  },
});

const V3 = JSON.stringify({
  lockfileVersion: 3,
  packages: {
    '': { name: 'root', version: '1.0.0' },
    'node_modules/@s/x': { version: '1.2.3', license: 'ISC' },
    'node_modules/@s/x/node_modules/y': { version: '0.1.0', dev: true },
    'node_modules/linked': { resolved: 'packages/linked', link: true },
    'packages/linked': { name: 'linked', version: '0.0.1' },
  },
});

describe('parseLockfile', () => {
  it('walks v1 nested dependencies, resolving aliases and skipping local specs', () => {
    const result = parseLockfile(V1);

    expect(result.packages.map((p) => `${p.installPath} ${p.name}@${p.version}`)).toEqual([
      'node_modules/a a@1.0.0',
      'node_modules/a/node_modules/b b@2.0.0',
      'node_modules/aliased lodash@4.17.21',
    ]);
    expect(result.problems).toEqual([
      'entry node_modules/bad has no valid name or version; skipped',
    ]);
  });

  it('reads v3 packages by install path, skipping the root, links and workspaces', () => {
    const result = parseLockfile(V3);

    expect(result.packages).toEqual([
      {
        name: '@s/x',
        version: '1.2.3',
        installPath: 'node_modules/@s/x',
        licenses: ['ISC'],
        dev: false,
      },
      {
        name: 'y',
        version: '0.1.0',
        installPath: 'node_modules/@s/x/node_modules/y',
        licenses: [],
        dev: true,
      },
    ]);
  });
});

describe('npm cataloger with bad input', () => {
  it('warns about an invalid lockfile and a truncated package.json, keeping the rest', async () => {
    const view = buildView(
      {
        '/a/package-lock.json': '{"lockfileVersion": 3, "packages": {',
        '/a/node_modules/ok/package.json':
          '{"name":"ok","version":"1.0.0","licenses":[{"type":"MIT"}]}',
        '/a/node_modules/cut/package.json': '{"name":"cut","vers',
        '/a/node_modules/ok/test/fixture/package.json': '{"name":"fixture","version":"9.9.9"}',
        '/a/node_modules/noversion/package.json': '{"name":"noversion"}',
        '/b/package-lock.json': V3,
        '/b/package.json': '{"name":"root","version":"1.0.0"}',
      },
      [npmCataloger],
    );
    const { packages, warnings } = await npmCataloger.catalog(view, {});

    expect(packages.find((p) => p.name === 'y')?.metadata).toEqual({ dev: 'true' });
    expect(packages.map((p) => `${p.name}@${p.version} ${p.licenses.join()}`)).toEqual([
      'ok@1.0.0 MIT',
      '@s/x@1.2.3 ISC',
      'y@0.1.0 ',
    ]);
    expect(warnings.map((w) => [w.code, w.path])).toEqual([
      ['NPM_INVALID_JSON', '/a/node_modules/cut/package.json'],
      ['NPM_INVALID_JSON', '/a/package-lock.json'],
    ]);
  });
});
