import { rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestOf } from '../image/digest.js';
import { makeTempDir } from '../testing/requirements.js';
import { openRegistry, type Registry } from './registry.js';

const LIMITS = { maxBlobBytes: 1024, maxUploadsPerRepository: 2 };
const body = (text: string | Buffer) => Readable.from([Buffer.from(text)]);

describe('upload sessions', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let registry: Registry;
  beforeEach(async () => {
    temp = await makeTempDir('registry-uploads');
    registry = await openRegistry(temp.dir, LIMITS);
  });
  afterEach(async () => {
    registry.close();
    await temp.cleanup();
  });

  it('completes an upload begun before a restart, re-reading and verifying its bytes', async () => {
    const good = await registry.uploads.start('app/x');
    const bad = await registry.uploads.start('app/x');
    await registry.uploads.append('app/x', good.id, body('first half, '));
    await registry.uploads.append('app/x', bad.id, body('other bytes'));
    registry.close();

    registry = await openRegistry(temp.dir, LIMITS);
    const expected = Buffer.from('first half, second half');
    const staged = await registry.uploads.finish('app/x', good.id, digestOf(expected),
      body('second half'), 12);
    await registry.publish('app/x', staged);
    expect(registry.blobSize('app/x', digestOf(expected))).toBe(expected.length);

    await expect(registry.uploads.finish('app/x', bad.id, digestOf(expected)))
      .rejects.toMatchObject({ code: 'DIGEST_INVALID' });
    expect(() => registry.uploads.get('app/x', bad.id)).toThrow(/unknown or expired/);
  });

  it('limits open sessions per repository', async () => {
    await registry.uploads.start('app/x');
    await registry.uploads.start('app/x');
    await expect(registry.uploads.start('app/x')).rejects.toMatchObject({
      code: 'TOOMANYREQUESTS', status: 429 });
    await expect(registry.uploads.start('app/y')).resolves.toBeDefined();
  });

  it('does not count sessions idle for over an hour against the limit', async () => {
    const idle = [await registry.uploads.start('app/x'), await registry.uploads.start('app/x')];
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    idle.forEach((s) => registry.metadata.setUploadOffset(s.id, 0, twoHoursAgo));
    await expect(registry.uploads.start('app/x')).resolves.toBeDefined();
  });

  it('refuses bytes past the size limit, keeping the session at its last offset', async () => {
    const session = await registry.uploads.start('app/x');
    await registry.uploads.append('app/x', session.id, body('ok'));
    await expect(registry.uploads.append('app/x', session.id, body(Buffer.alloc(2000))))
      .rejects.toMatchObject({ code: 'SIZE_INVALID' });
    expect(registry.uploads.get('app/x', session.id).offset).toBe(2);
    const staged = await registry.uploads.finish('app/x', session.id, digestOf(Buffer.from('ok')));
    expect(staged.size).toBe(2);
    await registry.store.discard(staged);
  });

  it('refuses a one-request upload over the size limit, declared or not', async () => {
    const big = Buffer.alloc(2000, 1);
    await expect(registry.pushBlob('app/x', digestOf(big), body(big), big.length))
      .rejects.toMatchObject({ code: 'SIZE_INVALID', status: 413 });
    await expect(registry.pushBlob('app/x', digestOf(big), body(big)))
      .rejects.toMatchObject({ code: 'SIZE_INVALID', status: 413 });
    expect(registry.store.existsSync(digestOf(big))).toBe(false);
  });

  it('refuses a chunk that does not start at the current offset', async () => {
    const session = await registry.uploads.start('app/x');
    await expect(registry.uploads.append('app/x', session.id, body('late'), 5))
      .rejects.toMatchObject({ status: 416 });
  });

  it('ends a session whose bytes were lost in a crash, telling the client to start again',
    async () => {
      const session = await registry.uploads.start('app/x');
      await registry.uploads.append('app/x', session.id, body('some'));
      await rm(join(temp.dir, 'uploads', session.id));
      await expect(registry.uploads.append('app/x', session.id, body('more'), 4))
        .rejects.toMatchObject({ code: 'BLOB_UPLOAD_UNKNOWN', status: 404 });
      expect(() => registry.uploads.get('app/x', session.id)).toThrow(/unknown/);

      const other = await registry.uploads.start('app/x');
      await rm(join(temp.dir, 'uploads', other.id));
      await expect(registry.uploads.finish('app/x', other.id, digestOf(Buffer.from(''))))
        .rejects.toMatchObject({ code: 'BLOB_UPLOAD_UNKNOWN' });
    });

  it('stages a resumed upload as freshly written, so GC keeps it until it is linked', async () => {
    const session = await registry.uploads.start('app/x');
    await registry.uploads.append('app/x', session.id, body('old bytes'));
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(join(temp.dir, 'uploads', session.id), twoHoursAgo, twoHoursAgo);
    const staged = await registry.uploads.finish('app/x', session.id,
      digestOf(Buffer.from('old bytes')));
    await registry.publish('app/x', staged);
    const info = await registry.store.stat(digestOf(Buffer.from('old bytes')));
    expect(info?.modified.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('does not find a session from another repository', async () => {
    const session = await registry.uploads.start('app/x');
    expect(() => registry.uploads.get('app/other', session.id)).toThrow(/unknown/);
  });
});
