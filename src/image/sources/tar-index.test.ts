import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import { run } from '../../testing/run.js';
import { indexTar } from './tar-index.js';

describe.skipIf(skipReason('outer archive index', { tools: ['tar'] }))('indexTar', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let archive: string;
  beforeAll(async () => {
    temp = await makeTempDir('tar-index');
    const src = join(temp.dir, 'src');
    await mkdir(join(src, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(src, 'index.json'), '{"a":1}');
    await writeFile(join(src, 'blobs', 'sha256', 'big'), 'x'.repeat(5000));
    await writeFile(join(src, 'empty'), '');
    archive = join(temp.dir, 'a.tar');
    await run('tar', ['-C', src, '-cf', archive, '.']);
  });
  afterAll(async () => temp.cleanup());

  it('streams members by byte range, whatever their ./ prefix', async () => {
    const index = await indexTar(archive, 100);

    expect(index.names().sort()).toEqual(['blobs/sha256/big', 'empty', 'index.json']);
    expect(await text(index.open('./index.json')!)).toBe('{"a":1}');
    expect((await text(index.open('blobs/sha256/big')!)).length).toBe(5000);
    expect(await text(index.open('empty')!)).toBe('');
    expect(index.open('missing')).toBeUndefined();
  });

  it('rejects an archive cut inside a member', async () => {
    const cut = join(temp.dir, 'cut.tar');
    await writeFile(cut, (await readFile(archive)).subarray(0, 3000));
    await expect(indexTar(cut, 100)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' });
  });

  it('rejects a header with a bad checksum', async () => {
    const bytes = await readFile(archive);
    bytes[0] = (bytes[0] ?? 0) ^ 0x20;
    const bad = join(temp.dir, 'bad.tar');
    await writeFile(bad, bytes);
    await expect(indexTar(bad, 100)).rejects.toThrow(/bad checksum/);
  });

  it('stops at the member limit', async () => {
    await expect(indexTar(archive, 2)).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });
});
