import { describe, expect, it } from 'vitest';
import type { ImageSummary } from '../inventory/model.js';
import { imagePurl } from './image-purl.js';

const DIGEST = `sha256:${'4'.repeat(64)}`;

function image(
  reference: string,
  transport: string,
  extra: Partial<ImageSummary> = {},
): ImageSummary {
  return { reference, transport, manifestDigest: DIGEST, layers: [], ...extra };
}

describe('imagePurl', () => {
  it.each([
    [image('debian:12', 'docker', { platform: 'linux/amd64' }),
      `pkg:oci/debian@${DIGEST}?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=12`],
    [image('docker://bitnami/redis', 'docker'),
      `pkg:oci/redis@${DIGEST}?repository_url=docker.io%2Fbitnami%2Fredis`],
    [image('localhost:5000/team/App:v1@sha256:abc', 'docker'),
      `pkg:oci/app@${DIGEST}?repository_url=localhost%3A5000%2Fteam%2FApp&tag=v1`],
    [image('registry.example.com/payments/api', 'docker', { platform: 'linux/arm64/v8' }),
      `pkg:oci/api@${DIGEST}?arch=arm64&repository_url=registry.example.com%2Fpayments%2Fapi`],
    [image('oci:/srv/layouts/app:1.0', 'oci'), `pkg:oci/app@${DIGEST}?tag=1.0`],
    [image('docker-archive:/tmp/Payments.tar', 'docker-archive'), `pkg:oci/payments@${DIGEST}`],
  ])('gives %j the purl %s', (summary, expected) => {
    expect(imagePurl(summary)).toBe(expected);
  });

  it('gives no purl without a manifest digest', () => {
    expect(imagePurl({ reference: '/srv/rootfs', transport: 'dir', layers: [] })).toBeUndefined();
  });
});
