import { describe, expect, it } from 'vitest';
import { parseArchiveName, parseManifest, parseProperties } from './metadata.js';

describe('parseManifest', () => {
  it('joins continuation lines and stops at the main section end', () => {
    const text = 'Manifest-Version: 1.0\r\nBundle-SymbolicName: org.example.very.long.na\r\n'
      + ' me;singleton:=true\r\nBundle-Version: 2.1.0\r\n\r\nName: other/\r\nBundle-Version: 9\r\n';

    expect(Object.fromEntries(parseManifest(text))).toEqual({
      'Manifest-Version': '1.0',
      'Bundle-SymbolicName': 'org.example.very.long.name;singleton:=true',
      'Bundle-Version': '2.1.0',
    });
  });
});

describe('parseProperties', () => {
  it('reads key=value and key: value, skipping comments', () => {
    const text = '#Generated\n! comment\ngroupId=org.x\nartifactId: y\nversion = 1.0\n';

    expect(Object.fromEntries(parseProperties(text))).toEqual({
      groupId: 'org.x',
      artifactId: 'y',
      version: '1.0',
    });
  });
});

describe('parseArchiveName', () => {
  it.each([
    ['commons-io-2.11.0.jar', { artifact: 'commons-io', version: '2.11.0' }],
    ['guava-31.1-jre.jar', { artifact: 'guava', version: '31.1-jre' }],
    ['spring-core-5.3.9.RELEASE.jar', { artifact: 'spring-core', version: '5.3.9.RELEASE' }],
    ['guava.jar', undefined],
  ])('reads %s', (name, expected) => {
    expect(parseArchiveName(name)).toEqual(expected);
  });
});
