// Signed advisory bundles for air-gapped sites: `moat db export` writes one file, a header
// line then a gzip'd JSONL payload. The header names the payload's SHA-256 and size and is
// signed with Ed25519 (RFC 8032, node:crypto); importers check the signature and then the
// payload digest before a single record is loaded.
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { AdvisoryError } from './errors.js';
import type { InputItem } from './inputs.js';
import { splitLines } from './lines.js';
import { recordLimits } from './parse.js';
import type { AdvisoryReader } from './store.js';
import { writeFileAtomically } from './write-atomic.js';

const format = 'moat-advisory-bundle';
const maxHeaderBytes = 64 * 1024;

export interface BundleHeader {
  format: typeof format;
  version: 1;
  created: string;
  records: number;
  payload: { sha256: string; bytes: number };
  signature?: { algorithm: 'ed25519'; publicKeySha256: string; value: string };
}

function signedText(header: BundleHeader): Buffer {
  const { format: f, version, created, records, payload } = header;
  return Buffer.from(JSON.stringify({ format: f, version, created, records, payload }));
}

function keyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * Writes every record of `reader` to `file` as a bundle signed with `privateKeyPem`.
 * @throws AdvisoryError `BAD_KEY` when the key is not an Ed25519 private key.
 */
export async function exportBundle(reader: AdvisoryReader, file: string, privateKeyPem: string,
  now: Date): Promise<BundleHeader> {
  const key = loadKey(() => createPrivateKey(privateKeyPem));
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  let records = 0;
  for (const { record } of reader.allRecords()) {
    records += 1;
    if (!gzip.write(`${JSON.stringify(record)}\n`)) {
      await new Promise((resolve) => gzip.once('drain', resolve));
    }
  }

  await new Promise((resolve) => gzip.end(resolve));
  const payload = Buffer.concat(chunks);
  const header: BundleHeader = {
    format, version: 1, created: now.toISOString(), records,
    payload: { sha256: createHash('sha256').update(payload).digest('hex'), bytes: payload.length },
  };
  const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  header.signature = {
    algorithm: 'ed25519',
    publicKeySha256: keyFingerprint(publicPem),
    value: sign(null, signedText(header), key).toString('base64'),
  };
  await writeFileAtomically(file, [Buffer.from(`${JSON.stringify(header)}\n`), payload]);
  return header;
}

function loadKey<T>(make: () => T): T {
  try {
    const key = make() as { asymmetricKeyType?: string };
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new Error(`key type ${key.asymmetricKeyType ?? 'unknown'}`);
    }

    return key as T;
  } catch (cause) {
    throw new AdvisoryError('BAD_KEY', 'the key is not an Ed25519 key in PEM form: make one with '
      + '`openssl genpkey -algorithm ed25519`', { cause });
  }
}

/** True when `file` starts like a bundle. */
export async function isBundle(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    return buffer.subarray(0, bytesRead).toString().startsWith(`{"format":"${format}"`);
  } finally {
    await handle.close();
  }
}

/**
 * Checks the bundle's signature against `publicKeyPem` and its payload against the signed
 * digest, then yields its records for `importAdvisories`.
 * @throws AdvisoryError `MISSING_SIGNATURE`, `BAD_SIGNATURE`, `NO_PUBLIC_KEY`, `BAD_BUNDLE`.
 */
export async function verifyBundle(file: string, publicKeyPem: string | undefined):
  Promise<{ header: BundleHeader; items: AsyncIterable<InputItem> }> {
  const { header, offset } = await readHeader(file);
  if (header.signature === undefined) {
    throw new AdvisoryError('MISSING_SIGNATURE', `${file} is not signed: refusing to load it`);
  }

  if (publicKeyPem === undefined) {
    throw new AdvisoryError('NO_PUBLIC_KEY', 'no public key to check the bundle with: pass '
      + '--public-key FILE or set MOAT_DB_PUBLIC_KEY');
  }

  const key = loadKey(() => createPublicKey(publicKeyPem));
  const signature = Buffer.from(header.signature.value, 'base64');
  if (!verify(null, signedText(header), key, signature)) {
    throw new AdvisoryError('BAD_SIGNATURE', `${file}: the signature does not match the `
      + 'configured public key: the bundle was altered or signed by someone else');
  }

  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { start: offset }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }

  if (bytes !== header.payload.bytes || hash.digest('hex') !== header.payload.sha256) {
    throw new AdvisoryError('BAD_SIGNATURE', `${file}: the records do not match the signed `
      + 'digest: the bundle is truncated or was altered');
  }

  return { header, items: payloadItems(file, offset) };
}

async function readHeader(file: string): Promise<{ header: BundleHeader; offset: number }> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(maxHeaderBytes), 0,
      maxHeaderBytes, 0);
    const end = buffer.subarray(0, bytesRead).indexOf(10);
    const header = end < 0 ? undefined : parseHeader(buffer.subarray(0, end).toString());
    if (header === undefined) {
      throw new AdvisoryError('BAD_BUNDLE', `${file} is not a Moat advisory bundle`);
    }

    return { header, offset: end + 1 };
  } finally {
    await handle.close();
  }
}

function parseHeader(text: string): BundleHeader | undefined {
  try {
    const value = JSON.parse(text) as BundleHeader;
    const ok = value.format === format && value.version === 1
      && typeof value.payload?.sha256 === 'string' && Number.isSafeInteger(value.payload.bytes);
    return ok ? value : undefined;
  } catch {
    return undefined;
  }
}

async function* payloadItems(file: string, offset: number): AsyncIterable<InputItem> {
  const gunzip = createGunzip();
  const done = pipeline(createReadStream(file, { start: offset }), gunzip);
  for await (const item of splitLines(gunzip, recordLimits.maxBytes)) {
    const origin = `${file}:${item.number}`;
    yield 'line' in item
      ? { kind: 'record', origin, text: item.line }
      : { kind: 'skip', origin, reason: 'record too large' };
  }

  await done;
}
