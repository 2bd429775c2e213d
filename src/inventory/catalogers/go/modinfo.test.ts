import { describe, expect, it } from 'vitest';
import { parseModInfo, stdlibVersion } from './modinfo.js';

describe('parseModInfo', () => {
  it('reads path, mod, deps, replacements and build settings', () => {
    const text = [
      'path\texample.com/app/cmd/app',
      'mod\texample.com/app\tv1.0.0\th1:x=',
      'dep\tgolang.org/x/net\tv0.1.0\th1:y=',
      '=>\tgolang.org/x/net\tv0.2.0\th1:z=',
      'dep\tgithub.com/a/b\tv1.2.3',
      'build\tGOARCH=arm64',
      'build\t-tags=netgo',
      'nonsense line',
      'dep\tmissing-version',
    ].join('\n');
    const info = parseModInfo(text);

    expect(info.mainPackage).toBe('example.com/app/cmd/app');
    expect(info.main).toEqual({ path: 'example.com/app', version: 'v1.0.0' });
    expect(info.deps).toEqual([
      {
        path: 'golang.org/x/net',
        version: 'v0.1.0',
        replacedBy: { path: 'golang.org/x/net', version: 'v0.2.0' },
      },
      { path: 'github.com/a/b', version: 'v1.2.3' },
    ]);
    expect(Object.fromEntries(info.settings)).toEqual({ GOARCH: 'arm64', '-tags': 'netgo' });
    expect(info.problems).toBe(2);
  });
});

describe('stdlibVersion', () => {
  it.each([
    ['go1.21.3', '1.21.3'],
    ['go1.20', '1.20.0'],
    ['go1.22rc1', '1.22.0-rc.1'],
    ['go1.21.3 X:boringcrypto', '1.21.3'],
    ['devel go1.22-abcdef Tue', undefined],
  ])('turns %s into %s', (goVersion, expected) => {
    expect(stdlibVersion(goVersion)).toBe(expected);
  });
});
