import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildView, filesFromHostDir } from '../../test-view.js';
import { pythonCataloger } from './cataloger.js';
import { normalisePythonName, parsePythonMetadata } from './metadata.js';

const DIST = '/usr/lib/python3/dist-packages';

describe.skipIf(!existsSync(DIST))('python cataloger on this machine', () => {
  const keep = (rel: string) => /\.(dist|egg)-info(\/(METADATA|PKG-INFO))?$/.test(rel);

  it('finds dist-info and egg-info distributions with licenses', async () => {
    const view = buildView(filesFromHostDir(DIST, DIST, keep), [pythonCataloger]);
    const { packages, warnings } = await pythonCataloger.catalog(view, {});
    const yaml = packages.find((p) => p.name === 'PyYAML');
    const rpm = packages.find((p) => p.name === 'rpm');

    expect(warnings).toEqual([]);
    expect(yaml).toMatchObject({
      version: '6.0',
      ecosystem: 'PyPI',
      purl: 'pkg:pypi/pyyaml@6.0',
      licenses: ['MIT', 'MIT License'],
      locations: [{ path: `${DIST}/PyYAML-6.0.dist-info/METADATA` }],
    });
    expect(rpm?.locations).toEqual([{ path: `${DIST}/rpm-4.18.0.egg-info` }]);
    expect(packages.find((p) => p.name === 'PyGObject')?.purl).toBe('pkg:pypi/pygobject@3.42.2');
  });

  it('merges a distribution recorded in both dist-info and egg-info', async () => {
    const view = buildView(filesFromHostDir(DIST, DIST, keep), [pythonCataloger]);
    const { packages } = await pythonCataloger.catalog(view, {});
    const crypto = packages.filter((p) => p.name === 'cryptography');

    expect(crypto).toHaveLength(1);
    expect(crypto[0]?.locations.length).toBe(2);
  });
});

describe('parsePythonMetadata', () => {
  it('prefers License-Expression and ignores the description body', () => {
    const text = 'Metadata-Version: 2.4\nName: x\nVersion: 1.0\n'
      + 'License-Expression: MIT OR Apache-2.0\n'
      + 'Classifier: License :: OSI Approved :: MIT License\n\nName: not-a-header\n';

    expect(parsePythonMetadata(text)).toEqual({
      name: 'x',
      version: '1.0',
      licenses: ['MIT OR Apache-2.0'],
    });
  });

  it('ignores a License field that holds a whole license text', () => {
    const text = 'Name: x\nVersion: 1\nLicense: Copyright (c) me\n   Permission granted\n';

    expect(parsePythonMetadata(text)?.licenses).toEqual([]);
  });

  it.each([['Name: x\n'], ['Version: 1\n'], [''], ['garbage without colon']])(
    'rejects metadata without name and version: %j',
    (text) => {
      expect(parsePythonMetadata(text)).toBeUndefined();
    },
  );

  it.each([
    ['Django', 'django'],
    ['zope.interface', 'zope-interface'],
    ['ruamel_yaml__clib', 'ruamel-yaml-clib'],
  ])('normalises %s to %s', (name, expected) => {
    expect(normalisePythonName(name)).toBe(expected);
  });

  it('warns about unreadable metadata files and keeps the others', async () => {
    const site = '/usr/lib/python3.11/site-packages';
    const view = buildView(
      {
        [`${site}/bad-1.0.dist-info/METADATA`]: 'Metadata-Version: 2.1\n',
        [`${site}/good-1.0.dist-info/METADATA`]: 'Name: good\nVersion: 1.0\n',
        '/home/me/notes.egg-info': 'Name: ignored\nVersion: 1\n',
      },
      [pythonCataloger],
    );
    const { packages, warnings } = await pythonCataloger.catalog(view, {});

    expect(packages.map((p) => p.name)).toEqual(['good']);
    expect(warnings).toMatchObject([
      { code: 'PYTHON_INVALID_METADATA', path: `${site}/bad-1.0.dist-info/METADATA` },
    ]);
  });
});
