// Reads the few members of a zip archive that identify Java packages, from bytes in memory,
// through yauzl (which checks every entry's actual size against the declared one).
import { promisify } from 'node:util';
import yauzl from 'yauzl';

export interface ZipMember {
  name: string;
  data: Buffer;
}

export interface ZipLimits {
  /** Most entries an archive may list. */
  maxEntries: number;
  /** Largest single member to read. */
  maxMemberBytes: number;
  /** Shared budget of decompressed bytes, decremented as members are read. */
  budget: { bytes: number };
}

export interface ZipReadResult {
  members: ZipMember[];
  /** Members not read, with the reason (too large, budget spent). */
  skipped: Array<{ name: string; reason: string }>;
  /** Names of members `wants` asked to list without reading. */
  listed: string[];
}

/** Whether to read a member's bytes, only note its name, or ignore it. */
export type MemberWant = 'read' | 'list' | undefined;

const fromBuffer = promisify(
  (buffer: Buffer, options: yauzl.Options, cb: (err: Error | null, zip: yauzl.ZipFile) => void) =>
    yauzl.fromBuffer(buffer, options, cb),
);

/**
 * Reads the members `wants` accepts.
 * @throws Error when the archive is not a readable zip or a member's data is corrupt.
 */
export async function readZipMembers(
  bytes: Buffer,
  wants: (name: string) => MemberWant,
  limits: ZipLimits,
): Promise<ZipReadResult> {
  const zip = await fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true });
  const result: ZipReadResult = { members: [], skipped: [], listed: [] };
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new Error(`archive lists ${zip.entryCount} entries, more than ${limits.maxEntries}`);
  }

  try {
    for (let entry = await nextEntry(zip); entry !== undefined; entry = await nextEntry(zip)) {
      const want = entry.fileName.endsWith('/') ? undefined : wants(entry.fileName);
      if (want !== 'read') {
        if (want === 'list') {
          result.listed.push(entry.fileName);
        }

        continue;
      }

      const size = entry.uncompressedSize;
      if (size > limits.maxMemberBytes || size > limits.budget.bytes) {
        const reason = `${size} bytes exceed the size limit`;
        result.skipped.push({ name: entry.fileName, reason });
        continue;
      }

      limits.budget.bytes -= size;
      result.members.push({ name: entry.fileName, data: await readEntry(zip, entry) });
    }
  } finally {
    zip.close();
  }

  return result;
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(undefined));
    const onError = (err: Error) => (cleanup(), reject(err));
    zip.once('entry', onEntry);
    zip.once('end', onEnd);
    zip.once('error', onError);
    zip.readEntry();
  });
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
    zip.openReadStream(entry, (err, opened) => (err === null ? resolve(opened) : reject(err)));
  });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }

  return Buffer.concat(chunks);
}
