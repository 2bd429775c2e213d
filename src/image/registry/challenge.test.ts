import { describe, expect, it } from 'vitest';
import { parseChallenges } from './challenge.js';

describe('parseChallenges', () => {
  it.each([
    [
      'Bearer realm="https://auth.example/token",service="reg.example",scope="repository:a/b:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.example/token',
            service: 'reg.example',
            scope: 'repository:a/b:pull',
          },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    ['BASIC realm=plain', [{ scheme: 'basic', params: { realm: 'plain' } }]],
    [
      'Basic realm="x", Bearer realm="https://t/token", error="insufficient_scope"',
      [
        { scheme: 'basic', params: { realm: 'x' } },
        { scheme: 'bearer', params: { realm: 'https://t/token', error: 'insufficient_scope' } },
      ],
    ],
    [
      'Bearer realm = "a\\"b" , service=s',
      [{ scheme: 'bearer', params: { realm: 'a"b', service: 's' } }],
    ],
    [
      'Bearer scope="repository:a:pull,push"',
      [{ scheme: 'bearer', params: { scope: 'repository:a:pull,push' } }],
    ],
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['', []],
    ['"unterminated', []],
  ])('parses %j', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });

  it('stops at a bounded header length', () => {
    const huge = `Bearer realm="${'x'.repeat(100_000)}"`;
    const [challenge] = parseChallenges(huge);
    expect(challenge?.params.realm?.length).toBeLessThan(20_000);
  });
});
