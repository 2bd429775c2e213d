// Name-based UUIDs (RFC 4122 §4.3, version 5) so that a document's serial number or namespace
// can be derived from its content when the caller does not pass a random one.
import { createHash } from 'node:crypto';

// RFC 4122 Appendix C: the URL namespace.
const URL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/** The version-5 UUID of `name` in the URL namespace, lower-case and hyphenated. */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(URL_NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)]
    .join('-');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a lower-case hyphenated UUID, the form CycloneDX serial numbers require. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
