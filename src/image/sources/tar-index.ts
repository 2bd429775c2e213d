// Random access to the members of an outer archive (oci-archive, docker-archive) without
// extracting it: one pass reads only the 512-byte headers, seeking over bodies, and members are
// later streamed with byte ranges. Written by hand because tar-stream only reads sequentially.
// Understands ustar, GNU long names (`L`/`K`) and PAX `path`/`size` records (POSIX pax format).
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ImageError } from '../errors.js';

const BLOCK = 512;
const MAX_META_BYTES = 1024 * 1024;

export interface TarMember {
  /** Byte offset of the body in the archive. */
  offset: number;
  size: number;
}

export class TarIndex {
  constructor(
    readonly file: string,
    private readonly members: ReadonlyMap<string, TarMember>,
  ) {}

  has(name: string): boolean {
    return this.members.has(normaliseMemberName(name));
  }

  member(name: string): TarMember | undefined {
    return this.members.get(normaliseMemberName(name));
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  /** Streams one member's bytes. Returns undefined when there is no such member. */
  open(name: string): Readable | undefined {
    const member = this.member(name);
    if (member === undefined) {
      return undefined;
    }

    if (member.size === 0) {
      return Readable.from([]);
    }

    const end = member.offset + member.size - 1;
    return createReadStream(this.file, { start: member.offset, end, highWaterMark: 256 * 1024 });
  }
}

/**
 * Indexes the regular files of a tar archive.
 * @throws ImageError ARCHIVE_INVALID for a malformed header or a member past the end of the
 * file, LIMIT_EXCEEDED for more than `maxMembers` members.
 */
export async function indexTar(file: string, maxMembers: number): Promise<TarIndex> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    return new TarIndex(file, await readMembers(handle, size, file, maxMembers));
  } finally {
    await handle.close();
  }
}

async function readMembers(
  handle: FileHandle,
  fileSize: number,
  file: string,
  maxMembers: number,
): Promise<Map<string, TarMember>> {
  const members = new Map<string, TarMember>();
  const header = Buffer.alloc(BLOCK);
  let offset = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};

  while (offset + BLOCK <= fileSize) {
    await readExactly(handle, header, offset, file);
    if (header.every((byte) => byte === 0)) {
      break;
    }

    checkChecksum(header, file, offset);
    const type = String.fromCharCode(header[156] ?? 0);
    const size = pax.size !== undefined ? Number(pax.size) : parseNumber(header.subarray(124, 136));
    const bodyOffset = offset + BLOCK;
    if (!Number.isSafeInteger(size) || size < 0 || bodyOffset + size > fileSize) {
      throw invalid(file, `member at byte ${offset} runs past the end of the archive`);
    }

    offset = bodyOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'x') {
      const body = await readMeta(handle, bodyOffset, size, file);
      if (type === 'L') {
        longName = cString(body);
      } else {
        pax = parsePax(body);
      }

      continue;
    }

    if (type === 'K' || type === 'g') {
      continue;
    }

    const name = pax.path ?? longName ?? ustarName(header);
    longName = undefined;
    pax = {};
    if (type === '0' || type === '\0' || type === '7') {
      if (members.size >= maxMembers) {
        throw new ImageError('LIMIT_EXCEEDED', `${file} has more than ${maxMembers} members`);
      }

      members.set(normaliseMemberName(name), { offset: bodyOffset, size });
    }
  }

  return members;
}

/** `./blobs/sha256/x` and `blobs/sha256/x` name the same member. */
export function normaliseMemberName(name: string): string {
  return name.split('/').filter((part) => part !== '' && part !== '.').join('/');
}

function ustarName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const magic = header.subarray(257, 263).toString('latin1');
  const prefix = magic === 'ustar\0' ? cString(header.subarray(345, 500)) : '';
  return prefix === '' ? name : `${prefix}/${name}`;
}

// Numeric fields are octal text, or base-256 when the high bit is set (GNU, star).
function parseNumber(field: Buffer): number {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) {
      value = value * 256 + byte;
    }

    return value;
  }

  const text = field.toString('latin1').replace(/[\0 ]+$/g, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checkChecksum(header: Buffer, file: string, offset: number): void {
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i += 1) {
    sum += i >= 148 && i < 156 ? 0 : (header[i] as number);
  }

  if (sum !== parseNumber(header.subarray(148, 156))) {
    throw invalid(file, `the tar header at byte ${offset} has a bad checksum`);
  }
}

function parsePax(body: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = parseInt(body.subarray(at, space).toString('latin1'), 10);
    if (space < 0 || !Number.isSafeInteger(length) || length <= 0) {
      break;
    }

    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }

  return records;
}

async function readMeta(handle: FileHandle, offset: number, size: number, file: string) {
  if (size > MAX_META_BYTES) {
    throw invalid(file, `a long-name or pax record at byte ${offset} is ${size} bytes`);
  }

  const body = Buffer.alloc(size);
  await readExactly(handle, body, offset, file);
  return body;
}

async function readExactly(handle: FileHandle, into: Buffer, offset: number, file: string) {
  const { bytesRead } = await handle.read(into, 0, into.length, offset);
  if (bytesRead !== into.length) {
    throw invalid(file, `the archive ends inside a member at byte ${offset}`);
  }
}

function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.subarray(0, nul < 0 ? bytes.length : nul).toString('utf8');
}

function invalid(file: string, detail: string): ImageError {
  return new ImageError(
    'ARCHIVE_INVALID',
    `${file} is not a readable tar archive: ${detail}; re-export the image`,
  );
}
