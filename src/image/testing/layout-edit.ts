// Edits written OCI layouts for tests of hostile and broken images: swap a layer's bytes while
// keeping the digest chain valid, or break one link of the chain on purpose.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digestOf } from '../digest.js';
import type { Descriptor } from '../types.js';

interface Manifest {
  config: Descriptor;
  layers: Descriptor[];
}

export function blobFile(layout: string, digest: string): string {
  return join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

/** Stores bytes as a blob and returns its digest and size. */
export async function writeBlob(layout: string, bytes: Buffer) {
  const digest = digestOf(bytes);
  await writeFile(blobFile(layout, digest), bytes);
  return { digest, size: bytes.length };
}

/** The first manifest listed in index.json. */
export async function readManifest(layout: string): Promise<Manifest> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8'));
  return JSON.parse(await readFile(blobFile(layout, index.manifests[0].digest), 'utf8'));
}

/** Rewrites the first manifest (re-hashed, index.json updated) after `edit` changes it. */
export async function editManifest(layout: string, edit: (m: Manifest) => void): Promise<void> {
  const indexPath = join(layout, 'index.json');
  const index = JSON.parse(await readFile(indexPath, 'utf8'));
  const manifest = await readManifest(layout);
  edit(manifest);
  const { digest, size } = await writeBlob(layout, Buffer.from(JSON.stringify(manifest)));
  index.manifests[0] = { ...index.manifests[0], digest, size };
  await writeFile(indexPath, JSON.stringify(index));
}

/** Replaces layer `index` with `bytes`, keeping manifest and index consistent. */
export async function replaceLayer(layout: string, index: number, bytes: Buffer): Promise<void> {
  const { digest, size } = await writeBlob(layout, bytes);
  await editManifest(layout, (manifest) => {
    const layer = manifest.layers[index] as Descriptor;
    manifest.layers[index] = { ...layer, digest, size };
  });
}

/** Flips one byte of a stored blob in place (its name no longer matches its bytes). */
export async function flipByte(layout: string, digest: string, at = 10): Promise<void> {
  const path = blobFile(layout, digest);
  const bytes = await readFile(path);
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  await writeFile(path, bytes);
}
