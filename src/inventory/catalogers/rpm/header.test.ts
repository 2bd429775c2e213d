import { describe, expect, it } from 'vitest';
import { TAG, parseRpmHeader } from './header.js';

// A header with NAME (string), EPOCH (int32) and LICENSE (string), laid out as rpm stores it.
function header(entries: Array<[number, number, number]>, data: Buffer): Buffer {
  const preamble = Buffer.alloc(8);
  preamble.writeUInt32BE(entries.length, 0);
  preamble.writeUInt32BE(data.length, 4);
  const index = Buffer.alloc(entries.length * 16);
  entries.forEach(([tag, type, offset], i) => {
    index.writeUInt32BE(tag, i * 16);
    index.writeUInt32BE(type, i * 16 + 4);
    index.writeUInt32BE(offset, i * 16 + 8);
    index.writeUInt32BE(1, i * 16 + 12);
  });
  return Buffer.concat([preamble, index, data]);
}

const DATA = Buffer.concat([Buffer.from('bash\0MIT\0\0\0\0'), Buffer.from([0, 0, 0, 7])]);
const WANTED = new Set<number>(Object.values(TAG));

describe('parseRpmHeader', () => {
  it('reads strings and int32 values of the wanted tags', () => {
    const index: Array<[number, number, number]> = [
      [TAG.name, 6, 0],
      [TAG.license, 6, 5],
      [TAG.epoch, 4, 12],
      [5000, 6, 0],
    ];
    const blob = header(index, DATA);

    expect(Object.fromEntries(parseRpmHeader(blob, WANTED))).toEqual({
      [TAG.name]: 'bash',
      [TAG.license]: 'MIT',
      [TAG.epoch]: 7,
    });
  });

  it.each([
    ['a blob shorter than its preamble', Buffer.alloc(4)],
    ['a data length past the blob', header([[TAG.name, 6, 0]], DATA).subarray(0, 30)],
    ['an offset past the data store', header([[TAG.name, 6, 999]], DATA)],
    ['an int32 running past the data store', header([[TAG.epoch, 4, DATA.length - 2]], DATA)],
    ['a string without NUL', header([[TAG.name, 6, 0]], Buffer.from('bash'))],
    ['zero index entries', header([], DATA)],
    ['an absurd index count', Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])],
  ])('rejects %s with RPM_HEADER_CORRUPT', (_name, blob) => {
    expect(() => parseRpmHeader(blob, WANTED)).toThrowError(
      expect.objectContaining({ code: 'RPM_HEADER_CORRUPT' }),
    );
  });
});
