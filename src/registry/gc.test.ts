import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMoat } from '../posture/testing/cli.js';
import { digestOf } from '../image/digest.js';
import { makeTempDir } from '../testing/requirements.js';
import { collectGarbage } from './gc.js';
import { openRegistry, type Registry } from './registry.js';

const HOUR = 3600_000;
const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
const layer = Buffer.from('referenced layer');
const loose = Buffer.from('nobody references me');
const manifest = Buffer.from(JSON.stringify({
  schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config),
    size: config.length },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer),
    size: layer.length }],
}));

describe('registry garbage collection', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let registry: Registry;
  const push = (repo: string, blob: Buffer) =>
    registry.pushBlob(repo, digestOf(blob), Readable.from([blob]));
  const present = (blob: Buffer) => registry.store.existsSync(digestOf(blob));

  beforeEach(async () => {
    temp = await makeTempDir('registry-gc');
    registry = await openRegistry(temp.dir);
    for (const blob of [config, layer, loose]) {
      await push('app/one', blob);
    }

    registry.putManifest('app/one', 'v1', manifest, undefined);
  });
  afterEach(async () => {
    registry.close();
    await temp.cleanup();
  });

  it('keeps referenced and recent blobs, removes old unreferenced ones', async () => {
    const recent = await collectGarbage(registry, { now: new Date(), graceMs: HOUR,
      uploadExpiryMs: 24 * HOUR });
    expect(recent.removedBlobs).toEqual([]);

    const later = await collectGarbage(registry, { now: new Date(Date.now() + 2 * HOUR),
      graceMs: HOUR, uploadExpiryMs: 24 * HOUR });
    expect(later.removedBlobs).toEqual([digestOf(loose)]);
    expect([present(config), present(layer), present(loose)]).toEqual([true, true, false]);
    expect(() => registry.blobSize('app/one', digestOf(loose))).toThrow(/not in app\/one/);
  });

  it('frees the blobs of a deleted manifest', async () => {
    registry.deleteManifest('app/one', digestOf(manifest));
    const result = await collectGarbage(registry, { now: new Date(Date.now() + 2 * HOUR),
      graceMs: HOUR, uploadExpiryMs: 24 * HOUR });
    const all = [config, layer, loose].map((b) => digestOf(b));
    expect(result.removedBlobs.sort()).toEqual(all.sort());
  });

  it('never leaves a link to a missing blob when it races pushes of the same blob', async () => {
    const outcomes: string[] = [];
    let removed = 0;
    for (let round = 0; round < 15; round += 1) {
      const pushes = ['app/a', 'app/b', 'app/c'].map((repo) => push(repo, loose)
        .then(() => 'pushed', (err: { code?: string }) => String(err.code)));
      // A clock an hour ahead makes every unreferenced blob fair game, even one being pushed.
      const gc = collectGarbage(registry, { now: new Date(Date.now() + HOUR), graceMs: 0,
        uploadExpiryMs: 2 * HOUR });
      outcomes.push(...await Promise.all(pushes));
      removed += (await gc).removedBlobs.length;
      for (const repo of ['app/a', 'app/b', 'app/c']) {
        if (registry.metadata.isLinked(repo, digestOf(loose))) {
          expect(present(loose)).toBe(true);
        }
      }
    }

    expect(outcomes.every((o) => o === 'pushed' || o === 'BLOB_UPLOAD_INVALID')).toBe(true);
    expect(outcomes).toContain('pushed');
    expect(removed).toBeGreaterThan(0);
  });

  it('runs from the CLI, with a dry run first', async () => {
    const dry = await runMoat(['gc', '--data', temp.dir, '--grace', '0s', '--dry-run',
      '--format', 'json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, removedBlobs: [digestOf(loose)] });
    expect(present(loose)).toBe(true);

    const real = await runMoat(['gc', '--data', temp.dir, '--grace', '0s']);
    expect(real.stdout).toContain('removed 1 blobs');
    expect(present(loose)).toBe(false);
  });

  it('refuses a malformed duration', async () => {
    const bad = await runMoat(['gc', '--data', temp.dir, '--grace', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('duration');
  });
});
