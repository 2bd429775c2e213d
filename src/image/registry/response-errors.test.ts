import { describe, expect, it } from 'vitest';
import { errorForStatus, parseOciErrors } from './response-errors.js';

const context = {
  what: 'manifest v1 of reg.example/team/app:v1',
  reference: 'reg.example/team/app:v1',
  credentialsHint: 'check the credentials in /home/u/.docker/config.json',
};

describe('parseOciErrors', () => {
  it.each([
    ['{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}', [
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' },
    ]],
    ['{"errors":[{"code":"DENIED"},{"message":"no code"}]}', [{ code: 'DENIED', message: '' }]],
    ['{"errors":[{"code":"X","message":"bell\\u0007\\nnext"}]}', [
      { code: 'X', message: 'bell  next' },
    ]],
    ['<html>502 Bad Gateway</html>', []],
    ['{"errors":"nope"}', []],
    ['null', []],
  ])('reads %s', (body, expected) => {
    expect(parseOciErrors(Buffer.from(body))).toEqual(expected);
  });

  it('keeps at most five items of bounded length', () => {
    const errors = Array.from({ length: 50 }, () => ({ code: 'C', message: 'm'.repeat(5000) }));
    const items = parseOciErrors(Buffer.from(JSON.stringify({ errors })));

    expect(items).toHaveLength(5);
    expect(items[0]?.message.length).toBe(300);
  });
});

describe('errorForStatus', () => {
  const items = [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }];

  it.each([
    [401, 'UNAUTHORIZED', 'authentication failed'],
    [403, 'DENIED', 'access denied'],
    [404, 'NOT_FOUND', 'no such repository or tag: reg.example/team/app:v1'],
    [429, 'TOO_MANY_REQUESTS', 'rate-limiting'],
    [500, 'REGISTRY_ERROR', 'HTTP 500'],
    [418, 'REGISTRY_ERROR', 'HTTP 418'],
  ])('maps %d to %s', (status, code, text) => {
    const err = errorForStatus(status, items, context);

    expect(err).toMatchObject({ code });
    expect(err.message).toContain(text);
    expect(err.message).toContain('registry says: NAME_UNKNOWN: repository name not known');
  });

  it('calls a missing blob an incomplete image, not a typo', () => {
    const err = errorForStatus(404, [], { ...context, what: 'blob sha256:ab of x', kind: 'blob' });

    expect(err).toMatchObject({ code: 'NOT_FOUND' });
    expect(err.message).toContain('blob sha256:ab of x is missing from the registry');
  });

  it('points at the credentials for 401 and 403', () => {
    for (const status of [401, 403]) {
      expect(errorForStatus(status, [], context).message).toContain(context.credentialsHint);
    }
  });
});
