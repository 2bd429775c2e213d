import { describe, expect, it } from 'vitest';
import { digestOf } from './digest.js';
import {
  MediaType,
  layerCompression,
  parseImageConfig,
  parseManifestDocument,
} from './manifest.js';

const digest = digestOf(Buffer.from('x'));
const desc = (mediaType: string) => ({ mediaType, digest, size: 1 });
const parse = (doc: unknown, mediaType?: string) =>
  parseManifestDocument(Buffer.from(JSON.stringify(doc)), {
    maxBytes: 4096,
    what: 'manifest',
    ...(mediaType === undefined ? {} : { mediaType }),
  });
const ociConfig: string = MediaType.ociConfig;
const manifest = (layer: string = MediaType.ociLayerGzip, config = ociConfig) => ({
  schemaVersion: 2,
  mediaType: MediaType.ociManifest,
  config: desc(config),
  layers: [desc(layer)],
});

describe('parseManifestDocument', () => {
  it('parses OCI and Docker manifests', () => {
    expect(parse(manifest()).kind).toBe('manifest');
    const docker = {
      ...manifest(MediaType.dockerLayerGzip, MediaType.dockerConfig),
      mediaType: MediaType.dockerManifest,
    };
    expect(parse(docker, MediaType.dockerManifest).kind).toBe('manifest');
  });

  it('parses an index with platforms', () => {
    const doc = parse({
      schemaVersion: 2,
      manifests: [
        { ...desc(MediaType.ociManifest), platform: { os: 'linux', architecture: 'arm64' } },
      ],
    });
    expect(doc.kind === 'index' && doc.index.manifests[0]?.platform?.architecture).toBe('arm64');
  });

  const helm = 'application/vnd.cncf.helm.config.v1+json';
  const badDigest = { ...desc(MediaType.ociConfig), digest: 'sha256:1' };
  const negative = { ...desc(MediaType.ociLayer), size: -1 };
  it.each([
    ['an unknown layer type', manifest('application/x-foo'), 'UNSUPPORTED_MEDIA_TYPE'],
    ['an artifact config', manifest(undefined, helm), 'UNSUPPORTED_MEDIA_TYPE'],
    ['an unknown document', { ...manifest(), mediaType: 'text/plain' }, 'UNSUPPORTED_MEDIA_TYPE'],
    ['schema 1', { ...manifest(), schemaVersion: 1 }, 'MANIFEST_INVALID'],
    ['a bad digest', { ...manifest(), config: badDigest }, 'MANIFEST_INVALID'],
    ['a negative size', { ...manifest(), layers: [negative] }, 'MANIFEST_INVALID'],
    ['layers not a list', { ...manifest(), layers: {} }, 'MANIFEST_INVALID'],
    ['an array', [], 'MANIFEST_INVALID'],
  ])('rejects %s', (_name, doc, code) => {
    expect(() => parse(doc)).toThrow(expect.objectContaining({ code }));
  });

  it('rejects a media type that disagrees with the descriptor', () => {
    expect(() => parse(manifest(), MediaType.dockerManifest)).toThrow(/declares/);
  });

  it('rejects invalid JSON and oversized documents', () => {
    const what = 'manifest';
    expect(() => parseManifestDocument(Buffer.from('{'), { maxBytes: 10, what })).toThrow(
      expect.objectContaining({ code: 'MANIFEST_INVALID' }),
    );
    expect(() => parseManifestDocument(Buffer.alloc(11), { maxBytes: 10, what })).toThrow(
      expect.objectContaining({ code: 'LIMIT_EXCEEDED' }),
    );
  });
});

describe('parseImageConfig', () => {
  it('keeps diff_ids and history', () => {
    const config = parseImageConfig(
      Buffer.from(JSON.stringify({
        os: 'linux',
        architecture: 'amd64',
        rootfs: { type: 'layers', diff_ids: [digest] },
        history: [{ created_by: 'ENV A=1', empty_layer: true }, { created_by: 'COPY . /' }, 7],
      })),
      4096,
      'config',
    );
    expect(config.rootfs?.diff_ids).toEqual([digest]);
    expect(config.history?.map((h) => h.empty_layer)).toEqual([true, false]);
  });

  it.each([{}, { rootfs: { diff_ids: ['nope'] } }])('rejects %j', (doc) => {
    expect(() => parseImageConfig(Buffer.from(JSON.stringify(doc)), 4096, 'config')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});

describe('layerCompression', () => {
  it.each([
    [MediaType.ociLayer, 'none'],
    [MediaType.ociLayerZstd, 'zstd'],
    [MediaType.dockerLayerGzip, 'gzip'],
    [MediaType.dockerForeignLayerGzip, 'gzip'],
    [MediaType.ociForeignLayerGzip, 'gzip'],
  ])('%s is %s', (mediaType, expected) => {
    expect(layerCompression(mediaType)).toBe(expected);
  });
});
