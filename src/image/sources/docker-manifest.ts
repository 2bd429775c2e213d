// `manifest.json` of `docker save` output: a list of images, each naming its config, its layer
// tars and its tags (moby image/tarexport). Validated, since the archive is untrusted.
import { ImageError } from '../errors.js';
import { sameName, type ImageSelector } from './select.js';

export interface DockerArchiveEntry {
  config: string;
  repoTags: string[];
  layers: string[];
}

/**
 * Parses manifest.json.
 * @throws ImageError ARCHIVE_INVALID when it is not a list of {Config, Layers, RepoTags}.
 */
export function parseDockerManifest(bytes: Buffer, file: string): DockerArchiveEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw invalid(file, 'is not JSON', cause);
  }

  if (!Array.isArray(json)) {
    throw invalid(file, 'is not a list');
  }

  return json.map((item: unknown) => {
    const entry = item as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
    const strings = (value: unknown) =>
      Array.isArray(value) && value.every((v) => typeof v === 'string');
    if (typeof entry?.Config !== 'string' || !strings(entry.Layers)) {
      throw invalid(file, 'has an entry without Config and Layers');
    }

    const repoTags = strings(entry.RepoTags) ? (entry.RepoTags as string[]) : [];
    return { config: entry.Config, repoTags, layers: entry.Layers as string[] };
  });
}

/**
 * The entry the selector names (`name:tag` among RepoTags, or `@index`), or the only one.
 * @throws ImageError NOT_FOUND listing the archive's tags.
 */
export function chooseDockerEntry(
  entries: DockerArchiveEntry[],
  selector: ImageSelector,
  reference: string,
): DockerArchiveEntry {
  const wanted = selector.name;
  const chosen =
    selector.index !== undefined
      ? entries[selector.index]
      : wanted !== undefined
        ? entries.find((e) => e.repoTags.some((tag) => sameName(tag, wanted)))
        : entries.length === 1
          ? entries[0]
          : undefined;
  if (chosen !== undefined) {
    return chosen;
  }

  const tags = entries.flatMap((e) => e.repoTags);
  throw new ImageError(
    'NOT_FOUND',
    `${reference} does not name one of the archive's ${entries.length} images (tags: ` +
      `${tags.join(', ') || 'none'}); use docker-archive:FILE:NAME:TAG or docker-archive:FILE:@N`,
  );
}

function invalid(file: string, detail: string, cause?: unknown): ImageError {
  return new ImageError(
    'ARCHIVE_INVALID',
    `manifest.json of ${file} ${detail}; it is not \`docker save\` output`,
    { cause },
  );
}
