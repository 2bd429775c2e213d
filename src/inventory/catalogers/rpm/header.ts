// Decodes an rpm header blob as rpm stores it in its package database: a big-endian index
// count and data length, then 16-byte index entries (tag, type, offset, count) and the data
// store (rpm's lib/header.c layout; no lead or magic in the database copy). Hand-written:
// no JavaScript library reads rpm headers; every offset is bounds-checked.
import { MoatError } from '../../../errors.js';

export class RpmHeaderError extends MoatError {}

export const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  vendor: 1011,
  license: 1014,
  arch: 1022,
  sourceRpm: 1044,
} as const;

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;
const MAX_INDEX_ENTRIES = 0xffff;
const MAX_DATA_BYTES = 256 * 1024 * 1024;

/** The string and int32 tags of one header, by tag number. */
export type RpmHeader = Map<number, string | number>;

/**
 * Reads the string and INT32 values of the wanted tags.
 * @throws RpmHeaderError `RPM_HEADER_CORRUPT` when the blob's counts or offsets do not fit.
 */
export function parseRpmHeader(blob: Buffer, wanted: ReadonlySet<number>): RpmHeader {
  if (blob.length < 8) {
    throw corrupt('blob shorter than its 8-byte preamble');
  }

  const entries = blob.readUInt32BE(0);
  const dataLength = blob.readUInt32BE(4);
  if (entries === 0 || entries > MAX_INDEX_ENTRIES || dataLength > MAX_DATA_BYTES) {
    throw corrupt(`implausible sizes: ${entries} index entries, ${dataLength} data bytes`);
  }

  const dataStart = 8 + entries * 16;
  if (dataStart + dataLength > blob.length) {
    throw corrupt(`index and data need ${dataStart + dataLength} bytes, blob has ${blob.length}`);
  }

  const data = blob.subarray(dataStart, dataStart + dataLength);
  const header: RpmHeader = new Map();
  for (let i = 0; i < entries; i++) {
    const at = 8 + i * 16;
    const tag = blob.readUInt32BE(at);
    if (!wanted.has(tag)) {
      continue;
    }

    const value = readValue(data, blob.readUInt32BE(at + 4), blob.readUInt32BE(at + 8));
    if (value !== undefined) {
      header.set(tag, value);
    }
  }

  return header;
}

function readValue(data: Buffer, type: number, offset: number): string | number | undefined {
  if (offset >= data.length) {
    throw corrupt(`value offset ${offset} is past the ${data.length}-byte data store`);
  }

  if (type === TYPE_INT32) {
    if (offset + 4 > data.length) {
      throw corrupt(`int32 at ${offset} runs past the data store`);
    }

    return data.readUInt32BE(offset);
  }

  // STRING_ARRAY and I18NSTRING hold count NUL-terminated strings; the first is the default.
  if (type === TYPE_STRING || type === TYPE_STRING_ARRAY || type === TYPE_I18NSTRING) {
    const end = data.indexOf(0, offset);
    if (end < 0) {
      throw corrupt(`string at ${offset} has no terminating NUL`);
    }

    return data.toString('utf8', offset, end);
  }

  return undefined;
}

function corrupt(detail: string): RpmHeaderError {
  return new RpmHeaderError('RPM_HEADER_CORRUPT', `rpm header is corrupt: ${detail}`);
}
