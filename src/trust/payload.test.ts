import { describe, expect, it } from 'vitest';
import { formatPayload, parsePayload } from './payload.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('simple signing payload', () => {
  it('serialises in cosign\'s canonical form', () => {
    const bytes = formatPayload({
      dockerReference: 'registry.example/team/app',
      manifestDigest: DIGEST,
      optional: null,
    });
    expect(bytes.toString()).toBe(
      '{"critical":{"identity":{"docker-reference":"registry.example/team/app"},' +
        `"image":{"docker-manifest-digest":"${DIGEST}"},` +
        '"type":"cosign container image signature"},"optional":null}',
    );
  });

  it('keeps optional annotations and reads them back', () => {
    const payload = { dockerReference: 'r/a', manifestDigest: DIGEST, optional: { env: 'prod' } };
    expect(formatPayload(payload).toString()).toMatch(/"optional":\{"env":"prod"\}\}$/);
    expect(parsePayload(formatPayload(payload))).toEqual(payload);
  });

  it('refuses a malformed digest', () => {
    expect(() =>
      formatPayload({ dockerReference: 'r/a', manifestDigest: 'sha256:zz', optional: null }),
    ).toThrow();
  });

  it.each([
    ['not JSON', '{'],
    ['JSON null', 'null'],
    ['another type', '{"critical":{"type":"atomic container signature"}}'],
    ['no digest', '{"critical":{"identity":{"docker-reference":"r"},' +
      '"type":"cosign container image signature"}}'],
    ['an array as optional', '{"critical":{"identity":{"docker-reference":"r"},"image":' +
      `{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},` +
      '"optional":[]}'],
    ['an oversized payload', ' '.repeat(70_000)],
  ])('rejects %s', (_name, text) => {
    expect(() => parsePayload(Buffer.from(text))).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_INVALID' }),
    );
  });
});
