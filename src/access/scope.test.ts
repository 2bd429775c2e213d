import { describe, expect, it } from 'vitest';
import { formatChallenge, parseScope, splitScopeParams } from './scope.js';

describe('parseScope', () => {
  it.each([
    ['repository:payments/ledger:pull,push',
      { type: 'repository', name: 'payments/ledger', actions: ['pull', 'push'] }],
    ['repository:payments/ledger:pull,pull', { type: 'repository', name: 'payments/ledger',
      actions: ['pull'] }],
    ['registry:catalog:*', { type: 'registry', name: 'catalog', actions: ['*'] }],
    ['repository(plugin):a/b:pull', { type: 'repository', name: 'a/b', actions: ['pull'] }],
    ['repository:localhost:5000/a:pull', { type: 'repository', name: 'localhost:5000/a',
      actions: ['pull'] }],
  ])('reads %s', (text, scope) => {
    expect(parseScope(text)).toEqual({ ok: true, scope });
  });

  it.each([
    ['', 'no separators'],
    ['repository', 'no name or actions'],
    ['repository:a', 'no actions part'],
    ['repository::pull', 'empty name'],
    ['repository:a:', 'empty actions'],
    ['repository:a:,', 'only commas'],
    ['blob:a:pull', 'unknown type'],
    ['repository:a:pull;rm', 'action with punctuation'],
    [`repository:${'a'.repeat(600)}:pull`, 'too long'],
  ])('refuses %j (%s)', (text) => {
    expect(parseScope(text).ok).toBe(false);
  });
});

describe('splitScopeParams', () => {
  it('accepts repeated parameters and space-separated scopes', () => {
    expect(splitScopeParams(['repository:a:pull repository:b:push', 'registry:catalog:*']))
      .toEqual(['repository:a:pull', 'repository:b:push', 'registry:catalog:*']);
    expect(splitScopeParams(undefined)).toEqual([]);
  });
});

describe('formatChallenge', () => {
  it('names realm, service and the scope the request needs', () => {
    expect(formatChallenge({ realm: 'https://moat.bank/token', service: 'moat.bank',
      repository: 'payments/ledger', actions: ['pull', 'push'] }))
      .toBe('Bearer realm="https://moat.bank/token",service="moat.bank",'
        + 'scope="repository:payments/ledger:pull,push"');
  });

  it('leaves out the scope for /v2/ and adds an error when asked', () => {
    expect(formatChallenge({ realm: 'r', service: 's', error: 'insufficient_scope' }))
      .toBe('Bearer realm="r",service="s",error="insufficient_scope"');
  });

  it('escapes quotes so a value cannot add parameters', () => {
    expect(formatChallenge({ realm: 'a"b\\', service: 's' }))
      .toBe('Bearer realm="a\\"b\\\\",service="s"');
  });
});
