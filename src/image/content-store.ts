// Holds the bytes of captured files. Small files stay in memory; files above the spill
// threshold go to a private work directory so a large capture does not grow the heap.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_SPILL_THRESHOLD = 4 * 1024 * 1024;

type Stored = { data: Buffer } | { file: string; size: number };

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
  private workDir: Promise<string> | undefined;
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

    this.workDir ??= mkdtemp(join(this.tempDir, 'moat-content-'));
    const file = join(await this.workDir, randomBytes(12).toString('hex'));
    await writeFile(file, data, { flag: 'wx', mode: 0o600 });
    this.forget(path);
    this.stored.set(path, { file, size: data.length });
    this.bytes += data.length;
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
      await rm(await dir, { recursive: true, force: true });
    }
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
