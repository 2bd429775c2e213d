// The package-url of the scanned image, per the purl spec's `oci` type: the name is the last
// path segment of the repository, the version is the manifest digest, and `repository_url`,
// `tag` and `arch` are qualifiers. Without a digest an image has no purl.
import { PackageURL } from 'packageurl-js';
import type { ImageSummary } from '../inventory/model.js';

const TRANSPORT_PREFIX = /^(docker:\/\/|oci-archive:|docker-archive:|oci:|dir:)/;

interface ImageName {
  /** Registry and repository, for `repository_url`; only for registry references. */
  repository?: string;
  name: string;
  tag?: string;
}

// Docker's shorthand: `debian` is `docker.io/library/debian`.
function registryName(reference: string): ImageName {
  const withoutDigest = reference.split('@')[0] ?? reference;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : undefined;
  let repository = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  const first = repository.split('/')[0] ?? '';
  const hasRegistry = repository.includes('/') && /[.:]|^localhost$/.test(first);
  if (!hasRegistry) {
    repository = `docker.io/${repository.includes('/') ? '' : 'library/'}${repository}`;
  }

  const name = repository.slice(repository.lastIndexOf('/') + 1).toLowerCase();
  return { repository, name, ...(tag === undefined ? {} : { tag }) };
}

// `oci:/srv/layouts/app:1.0` and `docker-archive:/tmp/app.tar` name a file, not a repository.
function localName(reference: string): ImageName {
  const path = reference.replace(TRANSPORT_PREFIX, '');
  const base = path.slice(path.lastIndexOf('/') + 1);
  const colon = base.indexOf(':');
  const file = colon >= 0 ? base.slice(0, colon) : base;
  const tag = colon >= 0 ? base.slice(colon + 1) : undefined;
  const name = file.replace(/\.(tar|tar\.gz|tgz|oci)$/, '').toLowerCase() || 'image';
  return { name, ...(tag === undefined || tag === '' ? {} : { tag }) };
}

/** Splits the image reference into the parts an `oci` purl needs. */
export function imageName(image: ImageSummary): ImageName {
  const reference = image.reference.replace(/^docker:\/\//, '');
  return image.transport === 'docker' ? registryName(reference) : localName(reference);
}

/** The image's `pkg:oci/...` purl, or undefined when no manifest digest is known. */
export function imagePurl(image: ImageSummary): string | undefined {
  if (image.manifestDigest === undefined) {
    return undefined;
  }

  const { repository, name, tag } = imageName(image);
  const arch = image.platform?.split('/')[1];
  const qualifiers: Record<string, string> = {};
  if (arch !== undefined && arch !== '') {
    qualifiers.arch = arch;
  }

  if (repository !== undefined) {
    qualifiers.repository_url = repository;
  }

  if (tag !== undefined) {
    qualifiers.tag = tag;
  }

  const hasQualifiers = Object.keys(qualifiers).length > 0;
  const purl = new PackageURL('oci', undefined, name, image.manifestDigest,
    hasQualifiers ? qualifiers : undefined, undefined);
  return purl.toString();
}
