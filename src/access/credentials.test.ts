import { describe, expect, it } from 'vitest';
import { parseAuthorization } from './credentials.js';

const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;

describe('parseAuthorization', () => {
  it.each([
    [undefined, { scheme: 'none' }],
    ['', { scheme: 'none' }],
    [basic('alice:s3cret:with:colons'), { scheme: 'basic', user: 'alice',
      secret: 's3cret:with:colons' }],
    ['bearer abc.def.ghi', { scheme: 'bearer', token: 'abc.def.ghi' }],
  ])('reads %j', (header, expected) => {
    expect(parseAuthorization(header)).toEqual(expected);
  });

  it.each([
    ['Digest abc'],
    ['Basic !!!'],
    [basic('no-colon')],
    [basic(':no-user')],
    [`Bearer ${'a'.repeat(20_000)}`],
  ])('refuses %j', (header) => {
    expect(parseAuthorization(header).scheme).toBe('invalid');
  });
});
