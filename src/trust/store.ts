// What signing and verification need from a registry repository; `RegistryWriter` from
// image/registry provides it, tests may pass another implementation of the same protocol.
import type { Descriptor } from '../image/types.js';

export interface SignatureStore {
  /** `host/repo`, the name written into payloads as `docker-reference`. */
  readonly repositoryName: string;
  getManifest(ref: { tag?: string; digest?: string }): Promise<
    { descriptor: Descriptor; bytes: Buffer } | undefined
  >;
  getBlob(desc: Descriptor, maxBytes: number): Promise<Buffer>;
  pushBlob(bytes: Buffer, mediaType: string): Promise<Descriptor>;
  putManifest(
    target: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<{ descriptor: Descriptor; subjectProcessed: boolean }>;
  referrers(digest: string, artifactType?: string): Promise<Buffer | undefined>;
}
