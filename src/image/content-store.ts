// Holds the bytes of captured files. Small files stay in memory; files above the spill
// threshold go to a private work directory so a large capture does not grow the heap.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, type WriteStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_SPILL_THRESHOLD = 4 * 1024 * 1024;

type Stored = { data: Buffer } | { file: string; size: number };

/** Receives one file's bytes as they stream past; `commit` stores them, `discard` drops them. */
export interface CaptureWriter {
  write(chunk: Buffer): void;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export interface ContentStoreOptions {
  /** Bytes above which content is written to a temp file instead of kept in memory. */
  spillThreshold?: number;
  /** Parent of the work directory for spilled content (default: the OS temp dir). */
  tempDir?: string;
}

export class ContentStore {
  private readonly stored = new Map<string, Stored>();
  private readonly spillThreshold: number;
  private readonly tempDir: string;
  private workDir: string | undefined;
  private bytes = 0;

  constructor(options: ContentStoreOptions = {}) {
    this.spillThreshold = options.spillThreshold ?? DEFAULT_SPILL_THRESHOLD;
    this.tempDir = options.tempDir ?? tmpdir();
  }

  /** Builds a store holding these in-memory contents (for tests and small views). */
  static fromMap(contents: Map<string, Buffer> | Record<string, Buffer | string>): ContentStore {
    const store = new ContentStore();
    const pairs = contents instanceof Map ? [...contents] : Object.entries(contents);
    for (const [path, data] of pairs) {
      store.putInMemory(path, Buffer.isBuffer(data) ? data : Buffer.from(data));
    }

    return store;
  }

  /** Total bytes captured so far, in memory and spilled. */
  get totalBytes(): number {
    return this.bytes;
  }

  has(path: string): boolean {
    return this.stored.has(path);
  }

  /** Stores the content of `path`, spilling it to disk above the threshold. */
  async put(path: string, data: Buffer): Promise<void> {
    if (data.length <= this.spillThreshold) {
      this.putInMemory(path, data);
      return;
    }

    const file = this.newSpillFile();
    await writeFile(file, data, { flag: 'wx', mode: 0o600 });
    this.putFile(path, file, data.length);
  }

  /**
   * Starts capturing `path` chunk by chunk. Past the spill threshold the bytes go straight to
   * a file, so a large capture never sits in memory whole.
   */
  beginCapture(path: string): CaptureWriter {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let spill: { file: string; stream: WriteStream; error?: Error } | undefined;

    return {
      write: (chunk) => {
        bytes += chunk.length;
        if (spill !== undefined) {
          spill.stream.write(chunk);
          return;
        }

        chunks.push(chunk);
        if (bytes > this.spillThreshold) {
          const file = this.newSpillFile();
          const stream = createWriteStream(file, { flags: 'wx', mode: 0o600 });
          spill = { file, stream };
          const opened = spill;
          stream.on('error', (err) => (opened.error = err));
          for (const buffered of chunks.splice(0)) {
            stream.write(buffered);
          }
        }
      },
      commit: async () => {
        if (spill === undefined) {
          this.putInMemory(path, Buffer.concat(chunks, bytes));
          return;
        }

        const { file, stream } = spill;
        await new Promise<void>((resolve, reject) => {
          stream.end(() => (spill?.error === undefined ? resolve() : reject(spill.error)));
          stream.once('error', reject);
        });
        this.putFile(path, file, bytes);
      },
      discard: async () => {
        chunks.length = 0;
        if (spill !== undefined) {
          spill.stream.destroy();
          await rm(spill.file, { force: true });
        }
      },
    };
  }

  async get(path: string): Promise<Buffer | undefined> {
    const stored = this.stored.get(path);
    if (stored === undefined) {
      return undefined;
    }

    return 'data' in stored ? stored.data : readFile(stored.file);
  }

  /** Removes the spilled files. The store is empty afterwards. */
  async close(): Promise<void> {
    this.stored.clear();
    this.bytes = 0;
    const dir = this.workDir;
    this.workDir = undefined;
    if (dir !== undefined) {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private newSpillFile(): string {
    // Made once per store; synchronous so a capture can switch to disk mid-chunk.
    this.workDir ??= mkdtempSync(join(this.tempDir, 'moat-content-'));
    return join(this.workDir, randomBytes(12).toString('hex'));
  }

  private putFile(path: string, file: string, size: number): void {
    this.forget(path);
    this.stored.set(path, { file, size });
    this.bytes += size;
  }

  private putInMemory(path: string, data: Buffer): void {
    this.forget(path);
    this.stored.set(path, { data });
    this.bytes += data.length;
  }

  private forget(path: string): void {
    const old = this.stored.get(path);
    if (old !== undefined) {
      this.bytes -= 'data' in old ? old.data.length : old.size;
    }
  }
}
