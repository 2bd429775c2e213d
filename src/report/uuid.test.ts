import { describe, expect, it } from 'vitest';
import { isUuid, uuidV5 } from './uuid.js';

describe('uuidV5', () => {
  it('matches the RFC 4122 version-5 UUID that Python computes for the same name', () => {
    // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, 'https://moat.example/a'))"
    expect(uuidV5('https://moat.example/a')).toBe('178f7212-af80-57ee-b28b-7d25297dfff3');
  });

  it.each([
    ['3e671687-395b-41f5-a30f-a58921a69b79', true],
    ['3E671687-395B-41F5-A30F-A58921A69B79', false],
    ['urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79', false],
    ['not-a-uuid', false],
  ])('isUuid(%j) is %s', (value, expected) => {
    expect(isUuid(value)).toBe(expected);
  });
});
