import { describe, expect, it } from 'vitest';
import {
  MAX_SIGNATURE_LAYERS,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_MEDIA_TYPE,
  readSignatureLayers,
  referrerManifest,
  signatureTag,
} from './artifact.js';

const DIGEST = `sha256:${'cd'.repeat(32)}`;
const layer = {
  mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
  digest: DIGEST,
  size: 10,
  annotations: { [SIGNATURE_ANNOTATION]: 'MEUCIQ==' },
};

describe('signature artifacts', () => {
  it('names the .sig tag after the digest', () => {
    expect(signatureTag(DIGEST)).toBe(`sha256-${'cd'.repeat(32)}.sig`);
    expect(() => signatureTag('latest')).toThrow();
  });

  it('reads signature layers and skips layers of other kinds', () => {
    const manifest = Buffer.from(JSON.stringify({
      layers: [layer, { ...layer, mediaType: 'text/plain' }, { ...layer, annotations: {} }, null],
    }));
    expect(readSignatureLayers(manifest)).toEqual([
      { payload: { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: DIGEST, size: 10 },
        signature: 'MEUCIQ==' },
    ]);
  });

  it.each([
    ['not JSON', Buffer.from('{')],
    ['no layers', Buffer.from('{"schemaVersion":2}')],
    ['too many layers', Buffer.from(JSON.stringify({
      layers: Array.from({ length: MAX_SIGNATURE_LAYERS + 1 }, () => layer),
    }))],
  ])('rejects a manifest with %s', (_name, bytes) => {
    expect(() => readSignatureLayers(bytes)).toThrow(
      expect.objectContaining({ code: 'ARTIFACT_INVALID' }),
    );
  });

  it('builds a referrer with cosign\'s artifact type, an empty config and the subject', () => {
    const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST,
      size: 500 };
    const empty = { mediaType: 'application/vnd.oci.empty.v1+json', digest: DIGEST, size: 2 };
    const doc = JSON.parse(referrerManifest(empty, {
      payload: { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: DIGEST, size: 10 },
      signature: 'MEUCIQ==',
    }, subject).toString()) as Record<string, unknown>;
    expect(doc).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      config: empty,
      layers: [layer],
      subject,
    });
  });
});
