import { describe, expect, it } from 'vitest';
import type { Descriptor } from '../types.js';
import { chooseManifests } from './select.js';

const entry = (digest: string, annotations?: Record<string, string>): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest,
  size: 1,
  ...(annotations === undefined ? {} : { annotations }),
});
const tagged = (digest: string, tag: string) =>
  entry(digest, { 'org.opencontainers.image.ref.name': tag });

describe('chooseManifests', () => {
  const layout = [
    tagged('a', 'v1'),
    tagged('b', 'v2'),
    entry('c', { 'io.containerd.image.name': 'docker.io/library/app:v3' }),
  ];

  it.each([
    [{ name: 'v1' }, ['a']],
    [{ name: 'app:v3' }, ['c']],
    [{ name: 'library/app:v3' }, ['c']],
    [{ index: 1 }, ['b']],
  ])('picks %j', (selector, digests) => {
    expect(chooseManifests(layout, selector, 'ref').map((m) => m.digest)).toEqual(digests);
  });

  it('returns every untagged entry as the platforms of one image', () => {
    expect(chooseManifests([entry('x'), entry('y')], {}, 'ref')).toHaveLength(2);
  });

  it('treats several entries of one digest as one image', () => {
    expect(chooseManifests([tagged('x', 'a'), tagged('x', 'b')], {}, 'ref')).toHaveLength(1);
  });

  it.each([
    [{}, /holds several images; name one \(it has: v1, v2, docker.io\/library\/app:v3\)/],
    [{ name: 'v9' }, /has no image named "v9"/],
    [{ index: 5 }, /has no image at position 5/],
  ])('explains %j when nothing matches', (selector, message) => {
    expect(() => chooseManifests(layout, selector, 'ref')).toThrow(message);
  });

  it('says when the layout is empty', () => {
    expect(() => chooseManifests([], {}, 'ref')).toThrow(/holds no image/);
  });
});
