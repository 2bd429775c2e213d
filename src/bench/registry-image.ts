// The registry benchmark's image: about 500 MB in five layers of incompressible random bytes,
// gzip-compressed once at build (level 1: random data does not shrink, so the level only costs
// build time). skopeo keeps gzip layers as they are when it pushes to a registry or pulls into
// an OCI layout, so both registries receive and serve byte-identical blobs and the timed copies
// never compress. Built once into the fixture cache (src/testing/cache.ts) and reused.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cachedDir, cacheKey } from '../testing/cache.js';
import { buildImage, type BuiltImage, type ImageSpec } from '../testing/images.js';

export const REGISTRY_IMAGE_LAYERS = 5;
export const REGISTRY_LAYER_BYTES = 100 * 1024 * 1024;
/** The warm-up image: one layer of other random bytes, so it shares no blob with the image. */
const WARMUP_LAYER_BYTES = 8 * 1024 * 1024;

const BUILT_FILE = 'built.json';
const SOURCE_DIR = 'source';
const CREATED = '2024-05-01T00:00:00Z';
const CHUNK_BYTES = 1024 * 1024;

/**
 * Builds (or reuses) the image; `quick` makes it a tenth of the size (5 × 10 MiB). Throws
 * when the cache cannot be written.
 */
export async function registryBenchImage(quick: boolean): Promise<BuiltImage> {
  return randomImage('image-bench-registry', REGISTRY_IMAGE_LAYERS,
    quick ? REGISTRY_LAYER_BYTES / 10 : REGISTRY_LAYER_BYTES);
}

/**
 * The small image each fresh server is pushed and pulled once before the timed copies, so that
 * they time a running server, not one still compiling its code paths on first use.
 */
export async function registryWarmupImage(): Promise<BuiltImage> {
  return randomImage('image-bench-registry-warmup', 1, WARMUP_LAYER_BYTES);
}

async function randomImage(name: string, layerCount: number, layerBytes: number):
  Promise<BuiltImage> {
  const key = cacheKey(name, ['v2', String(layerCount), String(layerBytes)]);
  const dir = await cachedDir(key, async (tmp) => {
    // Each layer's file is written to disk first and streamed into its tar, so memory stays
    // small whatever the size.
    const source = join(tmp, SOURCE_DIR);
    const layers: ImageSpec['layers'] = [];
    for (let index = 0; index < layerCount; index += 1) {
      const from = join(source, String(index));
      await mkdir(from, { recursive: true });
      await writeRandomFile(join(from, `part-${index}.bin`), layerBytes);
      layers.push({ from, prefix: 'data', createdBy: `COPY part-${index}.bin /data/` });
    }

    const spec: ImageSpec = { tag: 'bench', compression: 'gzip', gzipLevel: 1, created: CREATED,
      runConfig: { Cmd: ['/bin/true'] }, layers };
    const built = await buildImage(tmp, spec);
    await rm(source, { recursive: true, force: true });
    await writeFile(join(tmp, BUILT_FILE), JSON.stringify(built));
  });

  const saved = JSON.parse(await readFile(join(dir, BUILT_FILE), 'utf8')) as BuiltImage;
  return { ...saved, layout: dir, reference: `oci:${dir}:${saved.tag}` };
}

async function writeRandomFile(path: string, bytes: number): Promise<void> {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let left = bytes; left > 0; left -= CHUNK_BYTES) {
      yield randomBytes(Math.min(CHUNK_BYTES, left));
    }
  }

  await pipeline(Readable.from(chunks()), createWriteStream(path));
}

/**
 * The bytes a push or pull moves, counted as the layer blobs only: the config and manifest
 * are a few hundred bytes beside 500 MB.
 */
export function imageBytes(image: BuiltImage): number {
  return image.layers.reduce((sum, layer) => sum + layer.size, 0);
}
