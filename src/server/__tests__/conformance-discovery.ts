// The content discovery (D..) and management (M..) assertions of the conformance replay.
import { expect } from 'vitest';
import { digestOf } from '../../image/digest.js';
import { call, type TestServer } from './harness.js';

const NAME = 'conformance/discovery';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const EMPTY = Buffer.from('{}');
const ARTIFACT = 'application/vnd.moat.test.artifact';

type Check = (id: string, title: string, fn: () => Promise<void>) => void;

function artifact(extra: Record<string, unknown>, note: string): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(EMPTY), size: 2 },
    layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(EMPTY), size: 2 }],
    annotations: { note },
    ...extra,
  }));
}

export function registerDiscoveryAndManagement(server: () => TestServer, check: Check): void {
  const r = (method: string, path: string, init?: Parameters<typeof call>[3]) =>
    call(server().url, method, path, init);
  const putManifest = (ref: string, body: Buffer) =>
    r('PUT', `/v2/${NAME}/manifests/${ref}`, { headers: { 'Content-Type': OCI_MANIFEST }, body });
  const subject = artifact({}, 'subject');
  const referrer = artifact({ artifactType: ARTIFACT,
    subject: { mediaType: OCI_MANIFEST, digest: digestOf(subject), size: subject.length } },
  'referrer');
  const other = artifact({ artifactType: 'application/vnd.moat.other',
    subject: { mediaType: OCI_MANIFEST, digest: digestOf(subject), size: subject.length } },
  'other');
  const ghost = digestOf(Buffer.from('never pushed'));
  const orphan = artifact({ artifactType: ARTIFACT,
    subject: { mediaType: OCI_MANIFEST, digest: ghost, size: 12 } }, 'orphan');
  const tags = ['t0', 't1', 't2', 't3', 't4'];
  let countBefore = 0;

  check('D01', 'push 4+ tagged manifests', async () => {
    const post = await r('POST', `/v2/${NAME}/blobs/uploads/?digest=${digestOf(EMPTY)}`,
      { headers: { 'Content-Type': 'application/octet-stream' }, body: EMPTY });
    expect(post.status).toBe(201);
    for (const [index, tag] of tags.entries()) {
      const put = await putManifest(tag, artifact({}, `tag ${index}`));
      expect(put.status).toBe(201);
    }
  });
  check('D02', 'push manifests with a subject', async () => {
    expect((await putManifest('subject', subject)).status).toBe(201);
    for (const body of [referrer, other, orphan]) {
      const put = await putManifest(digestOf(body), body);
      expect(put.status).toBe(201);
      expect(put.headers.get('oci-subject')).toBe(JSON.parse(body.toString()).subject.digest);
    }
  });
  check('D03', 'list tags', async () => {
    const list = await r('GET', `/v2/${NAME}/tags/list`);
    expect(list.status).toBe(200);
    expect(list.json()).toEqual({ name: NAME, tags: [...tags, 'subject'].sort() });
  });
  check('D04', 'tags list with n', async () => {
    const list = await r('GET', `/v2/${NAME}/tags/list?n=3`);
    expect(list.json().tags).toEqual(['subject', 't0', 't1']);
    expect(list.headers.get('link')).toBe(`</v2/${NAME}/tags/list?n=3&last=t1>; rel="next"`);
  });
  check('D05', 'tags list continues after last', async () => {
    const list = await r('GET', `/v2/${NAME}/tags/list?n=3&last=t1`);
    expect(list.status).toBe(200);
    expect(list.json().tags).toEqual(['t2', 't3', 't4']);
    expect(list.headers.get('link')).toBeNull();
  });
  check('D06', 'referrers of an unknown digest', async () => {
    const list = await r('GET', `/v2/${NAME}/referrers/sha256:${'1'.repeat(64)}`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toContain(OCI_INDEX);
    expect(list.json()).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
  });
  check('D07', 'referrers of a subject', async () => {
    const list = await r('GET', `/v2/${NAME}/referrers/${digestOf(subject)}`);
    const manifests = list.json().manifests as { digest: string }[];
    expect(manifests.map((m) => m.digest).sort())
      .toEqual([digestOf(referrer), digestOf(other)].sort());
    expect(manifests.find((m) => m.digest === digestOf(referrer))).toEqual({
      mediaType: OCI_MANIFEST, digest: digestOf(referrer), size: referrer.length,
      artifactType: ARTIFACT, annotations: { note: 'referrer' } });
  });
  check('D08', 'referrers filtered by artifactType', async () => {
    const list = await r('GET', `/v2/${NAME}/referrers/${digestOf(subject)}?artifactType=${
      encodeURIComponent(ARTIFACT)}`);
    expect(list.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(list.json().manifests.map((m: { digest: string }) => m.digest))
      .toEqual([digestOf(referrer)]);
  });
  check('D09', 'referrers of a subject that was never pushed', async () => {
    const list = await r('GET', `/v2/${NAME}/referrers/${ghost}`);
    expect(list.json().manifests.map((m: { digest: string }) => m.digest))
      .toEqual([digestOf(orphan)]);
  });
  check('M01', 'count tags', async () => {
    countBefore = (await r('GET', `/v2/${NAME}/tags/list`)).json().tags.length;
  });
  check('M02', 'DELETE a tag', async () => {
    expect((await r('DELETE', `/v2/${NAME}/manifests/t0`)).status).toBe(202);
    expect((await r('GET', `/v2/${NAME}/manifests/t0`)).status).toBe(404);
  });
  const t1 = artifact({}, 'tag 1');
  check('M03', 'DELETE a manifest by digest', async () => {
    expect((await r('DELETE', `/v2/${NAME}/manifests/${digestOf(t1)}`)).status).toBe(202);
    expect((await r('DELETE', `/v2/${NAME}/manifests/${digestOf(t1)}`)).status).toBe(404);
  });
  check('M04', 'GET the deleted manifest', async () => {
    expect((await r('GET', `/v2/${NAME}/manifests/${digestOf(t1)}`)).status).toBe(404);
    expect((await r('GET', `/v2/${NAME}/manifests/t1`)).status).toBe(404);
  });
  check('M05', 'tags list reflects the deletions', async () => {
    // M02 removed t0 and M03 removed t1's manifest (and with it tag t1).
    expect((await r('GET', `/v2/${NAME}/tags/list`)).json().tags.length).toBe(countBefore - 2);
  });
  check('M06', 'DELETE a blob', async () => {
    expect((await r('DELETE', `/v2/${NAME}/blobs/${digestOf(EMPTY)}`)).status).toBe(202);
  });
  check('M07', 'GET the deleted blob', async () => {
    expect((await r('GET', `/v2/${NAME}/blobs/${digestOf(EMPTY)}`)).status).toBe(404);
  });
  check('P14', 'teardown deletes', async () => {
    expect((await r('DELETE', `/v2/${NAME}/manifests/${digestOf(referrer)}`)).status).toBe(202);
    expect((await r('DELETE', `/v2/${NAME}/blobs/${digestOf(EMPTY)}`)).status).toBe(404);
  });
}
