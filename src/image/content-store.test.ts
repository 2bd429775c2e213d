import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/requirements.js';
import { ContentStore } from './content-store.js';

describe('ContentStore', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    temp = await makeTempDir('content-store');
  });
  afterAll(async () => temp.cleanup());

  async function spilledFiles(): Promise<string[]> {
    const dirs = await readdir(temp.dir);
    const files = await Promise.all(dirs.map((dir) => readdir(join(temp.dir, dir))));
    return files.flat();
  }

  it('keeps small captures in memory as copies', async () => {
    const store = new ContentStore({ spillThreshold: 100, tempDir: temp.dir });
    const chunk = Buffer.from('abc');
    const writer = store.beginCapture('/a');
    writer.write(chunk);
    writer.write(Buffer.from('def'));
    await writer.commit();
    chunk.write('XYZ');

    expect((await store.get('/a'))?.toString()).toBe('abcdef');
    expect(store.totalBytes).toBe(6);
    expect(await spilledFiles()).toEqual([]);
    await store.close();
  });

  it('streams large captures to disk and removes them on close', async () => {
    const store = new ContentStore({ spillThreshold: 4, tempDir: temp.dir });
    const writer = store.beginCapture('/big');
    for (const part of ['012', '345', '678', '9']) {
      writer.write(Buffer.from(part));
    }

    await writer.commit();
    expect((await store.get('/big'))?.toString()).toBe('0123456789');
    expect(await spilledFiles()).toHaveLength(1);
    await store.close();
    expect(await readdir(temp.dir)).toEqual([]);
  });

  it('deletes the spill file of a discarded capture', async () => {
    const store = new ContentStore({ spillThreshold: 2, tempDir: temp.dir });
    const writer = store.beginCapture('/gone');
    writer.write(Buffer.from('too much'));
    await writer.discard();

    expect(store.has('/gone')).toBe(false);
    expect(await spilledFiles()).toEqual([]);
    await store.close();
  });
});
