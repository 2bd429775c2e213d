import { describe, expect, it } from 'vitest';
import type { OsRelease, Package, PackageType } from '../inventory/model.js';
import { lookupFor, targetOf } from './target.js';

function pkg(type: PackageType, ecosystem: string, name: string, version: string,
  extra: Partial<Package> = {}): Package {
  return { name, version, type, ecosystem, purl: `pkg:${type}/${name}@${version}`, licenses: [],
    locations: [{ path: '/app/x' }], ...extra };
}

const os = (id: string, versionId?: string): OsRelease => ({ id, versionId, idLike: [] });

describe('lookupFor', () => {
  it.each([
    ['Debian by source package and release', pkg('deb', 'Debian', 'libssl3', '3.0.15-1~deb12u1',
      { source: { name: 'openssl', version: '3.0.15-1~deb12u1' } }), os('debian', '12'),
    { ecosystems: ['Debian:12'], name: 'openssl', version: '3.0.15-1~deb12u1',
      advisoryName: 'openssl' }],
    ['Debian binNMU: the source version', pkg('deb', 'Debian', 'libfoo', '1.0-1+b1',
      { source: { name: 'foo', version: '1.0-1' } }), os('debian', '12'),
    { ecosystems: ['Debian:12'], name: 'foo', version: '1.0-1' }],
    ['Ubuntu LTS first', pkg('deb', 'Ubuntu', 'bash', '5.1-6ubuntu1'), os('ubuntu', '22.04'),
      { ecosystems: ['Ubuntu:22.04:LTS', 'Ubuntu:22.04'], name: 'bash' }],
    ['Alpine by branch and origin', pkg('apk', 'Alpine', 'libcrypto3', '3.1.4-r5',
      { source: { name: 'openssl' } }), os('alpine', '3.19.1'),
    { ecosystems: ['Alpine:v3.19'], name: 'openssl', version: '3.1.4-r5' }],
    ['Wolfi without a release', pkg('apk', 'Wolfi', 'libcrypto3', '3.3.0-r0',
      { source: { name: 'openssl' } }), os('wolfi', '20230201'),
    { ecosystems: ['Wolfi'], name: 'openssl', advisoryName: 'openssl' }],
    ['PyPI after PEP 503', pkg('pypi', 'PyPI', 'Zope.Interface_Extra', '5.0'), undefined,
      { ecosystems: ['PyPI'], name: 'zope-interface-extra' }],
    ['npm scopes as they are', pkg('npm', 'npm', '@babel/traverse', '7.0.0'), undefined,
      { ecosystems: ['npm'], name: '@babel/traverse', version: '7.0.0' }],
    ['Go modules without the v', pkg('golang', 'Go', 'golang.org/x/net', 'v0.17.0'), undefined,
      { ecosystems: ['Go'], name: 'golang.org/x/net', version: '0.17.0' }],
    ['Go stdlib from the toolchain', pkg('golang', 'Go', 'stdlib', 'go1.21.3'), undefined,
      { ecosystems: ['Go'], name: 'stdlib', version: '1.21.3' }],
    ['Maven group:artifact from metadata', pkg('maven', 'Maven', 'log4j-core', '2.14.1',
      { metadata: { groupId: 'org.apache.logging.log4j' } }), undefined,
    { ecosystems: ['Maven'], name: 'org.apache.logging.log4j:log4j-core' }],
  ])('%s', (_what, input, release, expected) => {
    expect(lookupFor(input, release)).toEqual({ lookup: expect.objectContaining(expected) });
  });

  it.each([
    ['no release', pkg('deb', 'Debian', 'bash', '5.2'), os('debian'), /release is unknown/],
    ['Red Hat streams', pkg('rpm', 'Red Hat', 'bash', '5.1'), os('rhel', '9.3'), /Red Hat/],
  ])('says why it cannot look up a package with %s', (_what, input, release, problem) => {
    expect(lookupFor(input, release)).toEqual({ problem: expect.stringMatching(problem) });
  });
});

describe('targetOf', () => {
  it.each([
    [pkg('deb', 'Debian', 'bash', '5.2'), 'os'],
    [pkg('npm', 'npm', 'lodash', '1',
      { locations: [{ path: '/srv/app/node_modules/lodash/package.json' }] }),
      '/srv/app/node_modules'],
    [pkg('pypi', 'PyPI', 'six', '1', { locations: [{ path: '/app/requirements.txt' }] }),
      '/app/requirements.txt'],
  ])('groups package %# under %s', (input, target) => {
    expect(targetOf(input)).toBe(target);
  });
});
