// Choosing an image among the manifests a layout's index.json lists: by tag (image-layout.md
// `org.opencontainers.image.ref.name`, or containerd's full image name), or by position.
import { ImageError } from '../errors.js';
import type { Descriptor } from '../types.js';

export interface ImageSelector {
  /** A tag (`latest`) or a full name (`docker.io/library/busybox:latest`). */
  name?: string;
  /** Position in the index, 0-based. */
  index?: number;
}

const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

/**
 * The manifests the selector names. Several untagged entries are returned together, as the
 * platforms of one image; several tags without a selector are an error.
 * @throws ImageError NOT_FOUND naming the tags that exist.
 */
export function chooseManifests(
  manifests: readonly Descriptor[],
  selector: ImageSelector,
  reference: string,
): Descriptor[] {
  if (selector.index !== undefined) {
    const chosen = manifests[selector.index];
    if (chosen === undefined) {
      throw notFound(reference, `has no image at position ${selector.index}`, manifests);
    }

    return [chosen];
  }

  const wanted = selector.name;
  if (wanted !== undefined) {
    const named = manifests.filter((m) => namesOf(m).some((n) => sameName(n, wanted)));
    if (named.length === 0) {
      throw notFound(reference, `has no image named "${wanted}"`, manifests);
    }

    return named;
  }

  const digests = new Set(manifests.map((m) => m.digest));
  if (digests.size === 1 && manifests.length > 1) {
    return [manifests[0] as Descriptor];
  }

  const tags = new Set(manifests.flatMap((m) => namesOf(m).slice(0, 1)));
  if (tags.size > 1) {
    throw notFound(reference, 'holds several images; name one', manifests);
  }

  if (manifests.length === 0) {
    throw notFound(reference, 'holds no image', manifests);
  }

  return [...manifests];
}

function namesOf(desc: Descriptor): string[] {
  const names = [desc.annotations?.[REF_NAME], desc.annotations?.[CONTAINERD_NAME]];
  return names.filter((name): name is string => name !== undefined && name !== '');
}

// `busybox:latest`, `library/busybox:latest` and `docker.io/library/busybox:latest` are one.
export function sameName(a: string, b: string): boolean {
  return shortName(a) === shortName(b);
}

function shortName(name: string): string {
  return name.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
}

function notFound(reference: string, detail: string, manifests: readonly Descriptor[]) {
  const names = [...new Set(manifests.flatMap(namesOf))];
  const listed = names.length > 0 ? names.join(', ') : 'no tagged images';
  return new ImageError(
    'NOT_FOUND',
    `${reference} ${detail} (it has: ${listed}); add the tag to the reference, e.g. ` +
      'oci:DIR:TAG',
  );
}
