// The referrers index is paged with `Link: <…>; rel="next"` once it is larger than a page
// (distribution-spec v1.1 "Listing Referrers"): hundreds of real referrer pushes to the server
// as `moat serve` assembles it, then every page followed.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../image/digest.js';
import { silentLogger } from '../log.js';
import { runMoat } from '../posture/testing/cli.js';
import { makeTempDir } from '../testing/requirements.js';
import { call, type Reply } from './__tests__/harness.js';
import { freePort } from './__tests__/spawn-server.js';
import { loadServerConfig } from './config.js';
import { REFERRERS_PAGE } from './routes/discovery.js';
import { startServer, type RunningServer } from './serve.js';

const ADMIN_PASSWORD = 'referrers-admin-password';
const ADMIN = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const EMPTY = Buffer.from('{}');
const SIGNATURE = 'application/vnd.moat.test.signature';
const SBOM = 'application/vnd.moat.test.sbom';
const REPO = 'demo/app';
const SIGNATURES = REFERRERS_PAGE + 44;
const SBOMS = 7;

function artifact(extra: Record<string, unknown>, note: string): Buffer {
  const empty = { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(EMPTY),
    size: 2 };
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST,
    config: empty, layers: [empty], annotations: { note }, ...extra }));
}

describe('referrers paging', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let server: RunningServer;
  const subject = artifact({}, 'subject');
  const expected: { signatures: string[]; sboms: string[] } = { signatures: [], sboms: [] };
  const get = (path: string): Promise<Reply> =>
    call(server.url, 'GET', path, { headers: { Authorization: ADMIN } });

  /** Follows `Link` from `path`; returns each page's digests. */
  async function follow(path: string): Promise<string[][]> {
    const pages: string[][] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const reply = await get(next);
      expect(reply.status).toBe(200);
      expect(reply.json().mediaType).toBe('application/vnd.oci.image.index.v1+json');
      pages.push(reply.json().manifests.map((m: { digest: string }) => m.digest));
      const link = reply.headers.get('link');
      next = link === null ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
      expect(link === null || next !== undefined).toBe(true);
      expect(pages.length).toBeLessThan(100);
    }

    return pages;
  }

  beforeAll(async () => {
    temp = await makeTempDir('referrers-paging');
    const data = join(temp.dir, 'data');
    process.env.MOAT_ADMIN_PASSWORD = ADMIN_PASSWORD;
    try {
      const config = await loadServerConfig({ listen: `127.0.0.1:${await freePort()}`, data });
      server = await startServer(config, silentLogger);
    } finally {
      delete process.env.MOAT_ADMIN_PASSWORD;
    }

    expect((await runMoat(['project', 'create', 'demo', '--data', data])).code).toBe(0);
    const put = (reference: string, body: Buffer) => call(server.url, 'PUT',
      `/v2/${REPO}/manifests/${reference}`, { headers: { Authorization: ADMIN,
        'Content-Type': OCI_MANIFEST }, body });
    expect((await call(server.url, 'POST', `/v2/${REPO}/blobs/uploads/?digest=${
      digestOf(EMPTY)}`, { headers: { Authorization: ADMIN, 'Content-Type':
        'application/octet-stream' }, body: EMPTY })).status).toBe(201);
    expect((await put('latest', subject)).status).toBe(201);
    const about = { mediaType: OCI_MANIFEST, digest: digestOf(subject), size: subject.length };
    for (let i = 0; i < SIGNATURES + SBOMS; i += 1) {
      const kind = i < SIGNATURES ? SIGNATURE : SBOM;
      const body = artifact({ artifactType: kind, subject: about }, `referrer ${i}`);
      const reply = await put(digestOf(body), body);
      expect(reply.status).toBe(201);
      expect(reply.headers.get('oci-subject')).toBe(digestOf(subject));
      (kind === SIGNATURE ? expected.signatures : expected.sboms).push(digestOf(body));
    }
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await temp?.cleanup();
  });

  it('returns a full first page with a next link, and the rest after it', async () => {
    const pages = await follow(`/v2/${REPO}/referrers/${digestOf(subject)}`);
    expect(pages.map((p) => p.length)).toEqual([REFERRERS_PAGE, SIGNATURES + SBOMS
      - REFERRERS_PAGE]);
    expect(pages.flat()).toEqual([...expected.signatures, ...expected.sboms].sort());
  });

  it('pages by the n a client asks for, each referrer exactly once', async () => {
    const pages = await follow(`/v2/${REPO}/referrers/${digestOf(subject)}?n=50`);
    expect(pages.length).toBe(Math.ceil((SIGNATURES + SBOMS) / 50));
    expect(pages.slice(0, -1).every((p) => p.length === 50)).toBe(true);
    const all = pages.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual([...expected.signatures, ...expected.sboms].sort());
  });

  it('keeps the artifactType filter on every page', async () => {
    const first = await get(`/v2/${REPO}/referrers/${digestOf(subject)}?n=3&artifactType=${
      encodeURIComponent(SBOM)}`);
    expect(first.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(first.headers.get('link')).toContain(`artifactType=${encodeURIComponent(SBOM)}`);
    const pages = await follow(`/v2/${REPO}/referrers/${digestOf(subject)}?n=3&artifactType=${
      encodeURIComponent(SBOM)}`);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual([...expected.sboms].sort());
  });

  it('sends no link when everything fits on one page', async () => {
    const reply = await get(`/v2/${REPO}/referrers/${digestOf(subject)}?artifactType=${
      encodeURIComponent(SBOM)}`);
    expect(reply.headers.get('link')).toBeNull();
    expect(reply.json().manifests.length).toBe(SBOMS);
  });
});
