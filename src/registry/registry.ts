// The registry core: what the HTTP layer asks of storage, with the distribution-spec rules
// (links, references, digests) applied. It knows nothing of HTTP or of authentication.
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { digestOf } from '../image/digest.js';
import type { BlobStore, StagedBlob } from './blob-store.js';
import { RegistryError } from './errors.js';
import { FsBlobStore } from './fs-blob-store.js';
import { checkManifest } from './manifest-check.js';
import type { ListPage, ManifestRecord, RegistryMetadata, TagRecord } from './metadata.js';
import { parseManifestReference } from './names.js';
import { SqliteMetadata } from './sqlite-metadata.js';
import { Uploads, tooLarge, type UploadLimits } from './uploads.js';

export const DEFAULT_LIMITS: UploadLimits = {
  maxBlobBytes: 64 * 1024 ** 3,
  maxUploadsPerRepository: 64,
};

export class Registry {
  readonly uploads: Uploads;

  constructor(
    readonly store: BlobStore,
    readonly metadata: RegistryMetadata,
    uploadsDir: string,
    private readonly limits: UploadLimits,
  ) {
    this.uploads = new Uploads(uploadsDir, metadata, store, limits);
  }

  /** The size of a blob the repository may serve. @throws RegistryError BLOB_UNKNOWN. */
  blobSize(repository: string, digest: string): number {
    const size = this.metadata.blobSize(repository, digest);
    if (size === undefined || !this.store.existsSync(digest)) {
      throw new RegistryError('BLOB_UNKNOWN', 404, `blob ${digest} is not in ${repository}`);
    }

    return size;
  }

  openBlob(digest: string, range?: { start: number; end: number }): Readable {
    return this.store.open(digest, range);
  }

  /** The blob's file on local disk, when the store keeps one. */
  blobFile(digest: string): string | undefined {
    return this.store.localFile?.(digest);
  }

  /** Makes a staged, verified blob visible and links it into the repository. */
  async publish(repository: string, staged: StagedBlob): Promise<void> {
    try {
      await this.store.commit(staged);
    } catch (err) {
      await this.store.discard(staged);
      throw err;
    }

    const linked = this.metadata.link(repository, staged.digest, staged.size,
      () => this.store.existsSync(staged.digest));
    if (!linked) {
      throw new RegistryError('BLOB_UPLOAD_INVALID', 409, `blob ${staged.digest} was removed by ` +
        'a concurrent garbage collection while it was pushed: push it again');
    }
  }

  /** Single-request upload. @throws RegistryError DIGEST_INVALID, SIZE_INVALID. */
  async pushBlob(repository: string, digest: string, body: Readable, size?: number): Promise<void> {
    const max = this.limits.maxBlobBytes;
    if (size !== undefined && size > max) {
      throw tooLarge(max);
    }

    let seen = 0;
    const limited = body.pipe(new Transform({
      transform(chunk: Buffer, _encoding, callback): void {
        seen += chunk.length;
        callback(seen > max ? tooLarge(max) : null, chunk);
      },
    }));
    body.on('error', (err) => limited.destroy(err));
    limited.on('close', () => body.destroy());
    const expected = { digest, ...(size === undefined ? {} : { size }) };
    const staged = await this.store.stage(limited, expected);
    await this.publish(repository, staged);
  }

  /** Cross-repository mount: true when `from` holds the blob and it is now linked. */
  mount(repository: string, digest: string, from: string): boolean {
    const size = this.metadata.blobSize(from, digest);
    if (size === undefined) {
      return false;
    }

    return this.metadata.link(repository, digest, size, () => this.store.existsSync(digest));
  }

  /** @throws RegistryError BLOB_UNKNOWN. */
  deleteBlob(repository: string, digest: string): void {
    if (!this.metadata.unlink(repository, digest)) {
      throw new RegistryError('BLOB_UNKNOWN', 404, `blob ${digest} is not in ${repository}`);
    }
  }

  /**
   * A manifest by tag or digest.
   * @throws RegistryError MANIFEST_UNKNOWN, TAG_INVALID, DIGEST_INVALID.
   */
  getManifest(repository: string, reference: string): ManifestRecord {
    const ref = parseManifestReference(reference);
    const digest = ref.kind === 'digest'
      ? ref.digest
      : this.metadata.resolveTag(repository, ref.tag);
    const record = digest === undefined ? undefined : this.metadata.getManifest(repository, digest);
    if (record === undefined) {
      throw new RegistryError('MANIFEST_UNKNOWN', 404, `manifest ${reference} is not in ` +
        `${repository}`);
    }

    return record;
  }

  /**
   * Stores a manifest under a tag or its digest.
   * @throws RegistryError MANIFEST_INVALID, MANIFEST_BLOB_UNKNOWN, DIGEST_INVALID, SIZE_INVALID.
   */
  putManifest(repository: string, reference: string, content: Buffer,
    contentType: string | undefined): { digest: string; subject?: string } {
    const ref = parseManifestReference(reference);
    const checked = checkManifest(content, contentType);
    const sha512 = ref.kind === 'digest' && ref.digest.startsWith('sha512:');
    const algorithm = sha512 ? 'sha512' : 'sha256';
    const digest = digestOf(content, algorithm);
    if (ref.kind === 'digest' && ref.digest !== digest) {
      throw new RegistryError('DIGEST_INVALID', 400, `the manifest hashes to ${digest}, not ` +
        `${ref.digest}: push it under its own digest`);
    }

    const record: ManifestRecord = { repository, digest, mediaType: checked.mediaType,
      size: content.length, content, ...pick(checked) };
    const missing = this.metadata.putManifest(record, checked.refs,
      ref.kind === 'tag' ? ref.tag : undefined);
    if (missing.length > 0) {
      throw new RegistryError('MANIFEST_BLOB_UNKNOWN', 400, `the manifest references ` +
        `${missing.slice(0, 5).join(', ')}, not in ${repository}: push those first`,
        { cause: missing });
    }

    return { digest, ...(checked.subject === undefined ? {} : { subject: checked.subject }) };
  }

  /** Deletes a tag, or a manifest (with its tags) by digest. @throws MANIFEST_UNKNOWN. */
  deleteManifest(repository: string, reference: string): void {
    const ref = parseManifestReference(reference);
    const deleted = ref.kind === 'tag'
      ? this.metadata.deleteTag(repository, ref.tag)
      : this.metadata.deleteManifest(repository, ref.digest);
    if (!deleted) {
      throw new RegistryError('MANIFEST_UNKNOWN', 404, `manifest ${reference} is not in ` +
        `${repository}`);
    }
  }

  /** @throws RegistryError NAME_UNKNOWN for a repository that was never pushed. */
  listTags(repository: string, page: ListPage): string[] {
    const tags = this.metadata.listTags(repository, page);
    if (tags === undefined) {
      throw new RegistryError('NAME_UNKNOWN', 404, `repository ${repository} is not known`);
    }

    return tags;
  }

  /** @throws RegistryError NAME_UNKNOWN for a repository that was never pushed. */
  listTagRecords(repository: string, page: ListPage): TagRecord[] {
    const tags = this.metadata.listTagRecords(repository, page);
    if (tags === undefined) {
      throw new RegistryError('NAME_UNKNOWN', 404, `repository ${repository} is not known`);
    }

    return tags;
  }

  referrers(repository: string, subject: string): ManifestRecord[] {
    return this.metadata.referrers(repository, subject);
  }

  close(): void {
    this.metadata.close();
  }
}

/**
 * Opens the embedded store under `dataDir`: blobs on disk, metadata in registry.db.
 * @throws MoatError REGISTRY_DB_TOO_NEW.
 */
export async function openRegistry(dataDir: string,
  limits: UploadLimits = DEFAULT_LIMITS): Promise<Registry> {
  const store = new FsBlobStore(dataDir);
  await store.init();
  const registry = new Registry(store, new SqliteMetadata(join(dataDir, 'registry.db')),
    join(dataDir, 'uploads'), limits);
  await registry.uploads.init();
  return registry;
}

function pick(checked: ReturnType<typeof checkManifest>): Partial<ManifestRecord> {
  return {
    ...(checked.subject === undefined ? {} : { subject: checked.subject }),
    ...(checked.artifactType === undefined ? {} : { artifactType: checked.artifactType }),
    ...(checked.annotations === undefined ? {} : { annotations: checked.annotations }),
  };
}
