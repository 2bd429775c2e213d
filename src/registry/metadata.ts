// What the registry knows besides blob bytes: repositories, manifests, tags, which blobs each
// repository may serve, and upload sessions. SQLite implements it (sqlite-metadata.ts); the
// interface is synchronous where a step must be atomic with a blob store operation.

export interface ManifestRecord {
  repository: string;
  digest: string;
  mediaType: string;
  size: number;
  content: Buffer;
  subject?: string;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** A manifest's references: blobs (config, layers) and child manifests (index entries). */
export interface ManifestReferences {
  blobs: string[];
  manifests: string[];
}

export interface UploadSession {
  id: string;
  repository: string;
  offset: number;
  started: Date;
  updated: Date;
}

/** A tag with the manifest it points at, for the JSON API. */
export interface TagRecord {
  tag: string;
  digest: string;
  /** Undefined only if the manifest row is missing (never after a committed push). */
  mediaType?: string;
  size?: number;
  /** When the tag was last pushed (ms since the epoch). */
  pushedAt: number;
}

export interface ListPage {
  n?: number;
  last?: string;
}

export interface RegistryMetadata {
  // Blob links: a blob is served from a repository only when linked to it.
  isLinked(repository: string, digest: string): boolean;
  blobSize(repository: string, digest: string): number | undefined;
  /** Links a blob; `verify` runs inside the same transaction and aborts the link on false. */
  link(repository: string, digest: string, size: number, verify: () => boolean): boolean;
  unlink(repository: string, digest: string): boolean;

  // Manifests and tags.
  getManifest(repository: string, digest: string): ManifestRecord | undefined;
  resolveTag(repository: string, tag: string): string | undefined;
  /**
   * Stores a manifest (and its tag) after checking in the same transaction that every
   * reference is present in the repository; returns the missing ones instead when not.
   */
  putManifest(record: ManifestRecord, refs: ManifestReferences, tag?: string): string[];
  deleteManifest(repository: string, digest: string): boolean;
  deleteTag(repository: string, tag: string): boolean;
  listTags(repository: string, page: ListPage): string[] | undefined;
  /** Tags in order with their manifests; undefined for an unknown repository. */
  listTagRecords(repository: string, page: ListPage): TagRecord[] | undefined;
  /** The number of tags of each repository that has any. */
  tagCounts(): Map<string, number>;
  referrers(repository: string, subject: string): ManifestRecord[];
  listRepositories(): string[];

  // Upload sessions.
  /** Inserts the session unless the repository has `max` sessions active since `since`. */
  createUpload(session: UploadSession, maxPerRepository: number, since: Date): boolean;
  getUpload(repository: string, id: string): UploadSession | undefined;
  uploadExists(id: string): boolean;
  setUploadOffset(id: string, offset: number, updated: Date): void;
  deleteUpload(id: string): void;
  expiredUploads(before: Date): UploadSession[];

  // Garbage collection.
  /**
   * In one write transaction: for each digest still unreferenced and with no link newer than
   * `before`, runs `remove` (which deletes the bytes) and, when it returns true, drops links.
   */
  collect(digests: string[], before: Date, remove: (digest: string) => boolean): string[];
  close(): void;
}
