import { describe, expect, it } from 'vitest';
import { lookupCredential, parseHelperOutput } from './credentials.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const basic = (key: string, username: string, password: string) => ({
  kind: 'credential',
  key,
  credential: { kind: 'basic', username, password },
});

describe('lookupCredential', () => {
  it.each([
    [
      'auth as base64 user:pass',
      { auths: { 'reg.example': { auth: b64('alice:s3:cret') } } },
      basic('reg.example', 'alice', 's3:cret'),
    ],
    [
      'username and password fields',
      { auths: { 'https://reg.example/v1/': { username: 'bob', password: 'pw' } } },
      basic('https://reg.example/v1/', 'bob', 'pw'),
    ],
    [
      'an identity token',
      { auths: { 'reg.example': { auth: b64('<token>:'), identitytoken: 'refresh-me' } } },
      {
        kind: 'credential',
        key: 'reg.example',
        credential: { kind: 'identity', identityToken: 'refresh-me', username: undefined },
      },
    ],
    [
      'the most specific repository key first',
      {
        auths: {
          'reg.example': { auth: b64('wide:1') },
          'reg.example/team': { auth: b64('team:2') },
        },
      },
      basic('reg.example/team', 'team', '2'),
    ],
    [
      'a per-host credential helper before auths',
      {
        credHelpers: { 'reg.example': 'ecr-login' },
        auths: { 'reg.example': { auth: b64('x:y') } },
      },
      { kind: 'helper', helper: 'ecr-login', serverUrl: 'reg.example' },
    ],
    [
      'the credentials store when auths has nothing usable',
      { credsStore: 'pass', auths: { 'reg.example': {} } },
      { kind: 'helper', helper: 'pass', serverUrl: 'reg.example' },
    ],
    ['another host only', { auths: { 'other.example': { auth: b64('a:b') } } }, { kind: 'none' }],
    ['a helper name that is not a plain word', { credsStore: '../../bin/sh' }, { kind: 'none' }],
    ['no colon in auth', { auths: { 'reg.example': { auth: b64('nocolon') } } }, { kind: 'none' }],
    ['not an object', ['reg.example'], { kind: 'none' }],
  ])('finds %s', (_what, document, expected) => {
    expect(lookupCredential(document, 'reg.example', 'team/app')).toEqual(expected);
  });

  it('knows Docker Hub by the key Docker writes', () => {
    const document = { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } };

    expect(lookupCredential(document, 'registry-1.docker.io', 'library/alpine')).toMatchObject({
      kind: 'credential',
      credential: { username: 'hub' },
    });
    expect(lookupCredential({ credsStore: 'desktop' }, 'registry-1.docker.io', 'x/y')).toEqual({
      kind: 'helper',
      helper: 'desktop',
      serverUrl: 'https://index.docker.io/v1/',
    });
  });
});

describe('parseHelperOutput', () => {
  it.each([
    [{ Username: 'u', Secret: 's' }, { kind: 'basic', username: 'u', password: 's' }],
    [{ Username: '<token>', Secret: 'idt' }, { kind: 'identity', identityToken: 'idt' }],
    [{ Username: 'u', Secret: '' }, undefined],
    ['nonsense', undefined],
  ])('reads %j', (output, expected) => {
    expect(parseHelperOutput(output)).toEqual(expected);
  });
});
