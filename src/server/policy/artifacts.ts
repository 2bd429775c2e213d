// Which manifests are signatures or attestations rather than images: these stay pullable under
// every project policy so that clients can verify what they pull. Decided from the content, not
// the tag, so that an image pushed under a `.sig` tag gains nothing: a manifest counts only when
// none of its layers is a filesystem layer and something marks it as a sigstore or in-toto
// artifact (a `subject`, its artifact type, its config type, or its layer types).
import type { ManifestRecord } from '../../registry/metadata.js';

const FILESYSTEM_LAYER = /^application\/vnd\.(?:oci\.image\.layer|docker\.image\.rootfs)\./;
const ARTIFACT_TYPE = /^application\/vnd\.(?:dev\.cosign\.|dev\.sigstore\.|dsse\.|in-toto)/;
const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json']);

interface ManifestDoc {
  manifests?: unknown;
  layers?: Array<{ mediaType?: unknown }>;
  config?: { mediaType?: unknown };
  artifactType?: unknown;
}

export function parseDoc(record: ManifestRecord): ManifestDoc {
  try {
    const doc = JSON.parse(record.content.toString('utf8')) as unknown;
    return typeof doc === 'object' && doc !== null ? doc as ManifestDoc : {};
  } catch {
    return {};
  }
}

export function isIndex(record: ManifestRecord): boolean {
  return INDEX_TYPES.has(record.mediaType) || Array.isArray(parseDoc(record).manifests);
}

/** The child manifest digests an index lists. */
export function childDigests(record: ManifestRecord): string[] {
  const manifests = parseDoc(record).manifests;
  return Array.isArray(manifests)
    ? manifests.flatMap((m) => typeof (m as { digest?: unknown } | null)?.digest === 'string'
      ? [(m as { digest: string }).digest] : [])
    : [];
}

export function isSignatureArtifact(record: ManifestRecord): boolean {
  if (isIndex(record)) {
    return false;
  }

  const doc = parseDoc(record);
  const layerTypes = (Array.isArray(doc.layers) ? doc.layers : [])
    .map((l) => typeof l?.mediaType === 'string' ? l.mediaType : '');
  if (layerTypes.some((t) => t === '' || FILESYSTEM_LAYER.test(t))) {
    return false;
  }

  const marks = [record.artifactType, doc.artifactType, doc.config?.mediaType, ...layerTypes]
    .filter((t): t is string => typeof t === 'string');
  return record.subject !== undefined || marks.some((t) => ARTIFACT_TYPE.test(t));
}
