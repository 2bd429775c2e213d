// Types shared by every image source and by the file collector. An image is read as a
// stream of layers; catalogers say up front which files they need (`select`), the collector
// keeps only those, and hands catalogers a FileView of the image's final filesystem.
import type { Readable } from 'node:stream';
import type { LayerRef } from '../inventory/model.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** An OCI content descriptor (image-spec descriptor.md), also used for Docker v2 media types. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

/** One entry of the image config's `history` (image-spec config.md). */
export interface HistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The parts of an image config Moat reads; the raw JSON is kept alongside. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: Record<string, unknown>;
  rootfs?: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
}

/** A single-platform image, resolved and verified: manifest and config are already checked. */
export interface ResolvedImage {
  /** The reference as the user gave it. */
  reference: string;
  transport: string;
  manifestDigest: string;
  manifestMediaType: string;
  configDigest: string;
  config: ImageConfig;
  /** Layer blobs in manifest order (index 0 is the base). */
  layers: Descriptor[];
  platform?: Platform;
}

/** Where image bytes come from: a layout, an archive or a registry. Always verifies digests. */
export interface ImageSource {
  /** Reads the manifest (choosing a platform from an index) and the config. */
  resolve(): Promise<ResolvedImage>;
  /**
   * Opens a blob as a stream. The stream errors with an ImageError `DIGEST_MISMATCH` (or
   * `SIZE_MISMATCH`) when its bytes do not match the descriptor, before it ends.
   */
  openBlob(desc: Descriptor): Promise<Readable>;
  /** Releases file handles and connections. */
  close(): Promise<void>;
}

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

/** One entry of the image's final filesystem. */
export interface FileMeta {
  /** Absolute, normalised path inside the image: `/usr/bin/env`. */
  path: string;
  type: EntryType;
  /** Size in bytes of a regular file's content; 0 otherwise. */
  size: number;
  /** Permission bits (`0o755`). */
  mode: number;
  /** Symlink target as written in the layer, or the absolute path a hard link points at. */
  linkTarget?: string;
  /** The layer that last wrote this entry; absent for `dir:` sources. */
  layer?: LayerRef;
}

/** Receives a selected file's bytes as they stream past, without keeping a copy. */
export interface ContentScanner {
  write(chunk: Buffer): void;
  /** Returns what the scanner found, or undefined when the file was not of interest. */
  end(): unknown;
}

/** How a cataloger wants a file it selected. */
export type Want =
  /** Keep the whole content (files larger than maxBytes are skipped with a warning). */
  | { kind: 'content'; maxBytes: number }
  /** Stream the content through a fresh scanner; only the scanner's result is kept. */
  | { kind: 'scan'; createScanner: () => ContentScanner };

/** Read access to the collected files of an image's final filesystem. */
export interface FileView {
  /** Every entry of the final filesystem, whiteouts applied. */
  entries(): Iterable<FileMeta>;
  /** The entry at exactly this path, without following a final symlink. */
  lstat(path: string): FileMeta | undefined;
  /** The entry this path leads to, following symlinks but never out of the image root. */
  stat(path: string): FileMeta | undefined;
  /** The content of a file that some cataloger selected with `content`; follows symlinks. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** The result a `scan` want produced for this file, by cataloger name. */
  scanResult(path: string, cataloger: string): unknown;
}

/** Progress of a long read, for the CLI's progress bar. */
export interface Progress {
  layer: number;
  layers: number;
  bytes: number;
  totalBytes: number;
}
