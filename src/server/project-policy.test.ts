// Project policies enforced by `moat serve` (startServer, the real access policy): immutable
// tags, required cosign signatures and the severity ceiling with scan on push, against real
// images pushed with skopeo and a real advisory database imported from ../shared/vulndata.
// The bypasses peers have had are each tried: by digest and by tag, HEAD and GET, the index
// and its platform manifests, an image that cannot be scanned, an image under a `.sig` tag.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, runMoat } from '../access/__tests__/cli.js';
import { digestOf } from '../image/digest.js';
import { silentLogger } from '../log.js';
import { buildImage, buildPlatformIndex, type BuiltImage } from '../testing/images.js';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import { run } from '../testing/run.js';
import { call, type Reply } from './__tests__/harness.js';
import { freePort } from './__tests__/spawn-server.js';
import { loadServerConfig } from './config.js';
import { startServer, type RunningServer } from './serve.js';

const vulndata = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'vulndata');
const needs = !existsSync(vulndata) ? 'project policies: ../shared/vulndata is missing'
  : skipReason('project policies', { tools: ['skopeo'] });

const PASSWORD = 'policy-admin-password';
const ADMIN = basicAuth('admin', PASSWORD);
// Pulls are checked as a deployment would make them: a reader, who may not push.
const DEPLOY = basicAuth('deploy', 'deploy-password-123456');
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const ACCEPT = [OCI_MANIFEST, 'application/vnd.oci.image.index.v1+json'].join(', ');

const moat = (args: string[], env: NodeJS.ProcessEnv = {}, input = '') =>
  runMoat(args, input, env);

describe.skipIf(needs)('project policies at push and pull', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let server: RunningServer;
  let host = '';
  let data = '';
  let cache = '';
  let authfile = '';
  const images: Record<string, BuiltImage> = {};
  const keyEnv = { COSIGN_PASSWORD: '' };

  const r = (method: string, path: string, headers: Record<string, string> = {},
    body?: Buffer, auth = ADMIN): Promise<Reply> => call(server.url, method, path,
    { headers: { Authorization: auth, Accept: ACCEPT, ...headers },
      ...(body === undefined ? {} : { body }) });
  const pull = (method: string, path: string) => r(method, path, {}, undefined, DEPLOY);
  const expectRefused = (reply: Reply, words: RegExp) => {
    expect(reply.status).toBe(403);
    if (reply.body.length > 0) {
      const error = (reply.json() as { errors: Array<{ code: string; message: string }> })
        .errors[0];
      expect(error?.code).toBe('DENIED');
      expect(error?.message).toMatch(words);
    }
  };
  const push = async (image: BuiltImage, target: string, all = false) => {
    await run('skopeo', ['--insecure-policy', 'copy', '--quiet', ...(all ? ['--all'] : []),
      '--dest-tls-verify=false', '--dest-creds', `admin:${PASSWORD}`, image.reference,
      `docker://${host}/${target}`], { secrets: [PASSWORD] });
  };
  const policy = async (project: string, ...flags: string[]) => {
    const created = await moat(['project', 'create', project, '--data', data]);
    expect(created.code, created.err).toBe(0);
    const set = await moat(['project', 'policy', project, ...flags, '--data', data]);
    expect(set.code, set.err).toBe(0);
    const granted = await moat(['user', 'grant', 'deploy', 'reader', project, '--data', data]);
    expect(granted.code, granted.err).toBe(0);
  };
  const scanOf = async (repository: string, digest: string) => (await r('GET',
    `/api/v1/repositories/${encodeURIComponent(repository)}/manifests/${digest}/scan`)).json() as
    { status: string; policy?: { pullAllowed: boolean; reason?: string } };
  // Scans run after the push has been answered; wait (bounded) until one has finished.
  const scanned = async (repository: string, digest: string) => {
    for (let i = 0; i < 300; i += 1) {
      const scan = await scanOf(repository, digest);
      if (scan.status !== 'pending' && scan.status !== 'not-scanned') {
        return scan;
      }

      await new Promise((done) => setTimeout(done, 100));
    }

    throw new Error(`no scan of ${repository}@${digest} finished in 30 s`);
  };

  beforeAll(async () => {
    temp = await makeTempDir('project-policy');
    data = join(temp.dir, 'data');
    cache = join(temp.dir, 'cache');
    // Every real npm advisory about lodash, so the scans match real records.
    const lines = (await readFile(join(vulndata, 'npm.jsonl'), 'utf8')).split('\n')
      .filter((line) => /"name":\s*"lodash"/.test(line));
    expect(lines.length).toBeGreaterThan(3);
    await writeFile(join(temp.dir, 'lodash.jsonl'), `${lines.join('\n')}\n`);
    const imported = await moat(['db', 'import', join(temp.dir, 'lodash.jsonl'),
      '--cache-dir', cache]);
    expect(imported.code, imported.err).toBe(0);

    process.env.MOAT_ADMIN_PASSWORD = PASSWORD;
    try {
      const config = await loadServerConfig({ listen: `127.0.0.1:${await freePort()}`, data,
        cacheDir: cache });
      server = await startServer({ ...config, rematchIntervalMs: 200 }, silentLogger);
    } finally {
      delete process.env.MOAT_ADMIN_PASSWORD;
    }

    host = new URL(server.url).host;
    authfile = join(temp.dir, 'auth.json');
    await writeFile(authfile, JSON.stringify({ auths: { [host]: {
      auth: Buffer.from(`admin:${PASSWORD}`).toString('base64') } } }));
    const added = await moat(['user', 'add', 'deploy', '--password-stdin', '--data', data], {},
      'deploy-password-123456\n');
    expect(added.code, added.err).toBe(0);
    for (const prefix of ['trusted', 'other']) {
      const keys = await moat(['key', 'generate', '--output-prefix', join(temp.dir, prefix)],
        keyEnv);
      expect(keys.code, keys.err).toBe(0);
    }

    const layout = join(temp.dir, 'images');
    const npm = (version: string) => ({ 'srv/app/node_modules/lodash/package.json':
      JSON.stringify({ name: 'lodash', version, license: 'MIT' }) });
    images.old = await buildImage(layout, { tag: 'old', layers: [{ files: npm('4.17.15'),
      createdBy: 'COPY node_modules /srv/app' }] });
    images.minimist = await buildImage(layout, { tag: 'minimist', layers: [{ files: {
      'srv/cli/node_modules/minimist/package.json': JSON.stringify({ name: 'minimist',
        version: '0.0.8' }) } }] });
    images.clean = await buildImage(layout, { tag: 'clean', layers: [{ files: {
      'srv/app/README': 'no packages here\n' } }] });
    images.amd = await buildImage(layout, { tag: 'amd', architecture: 'amd64', layers: [{
      files: { 'etc/motd': 'amd64\n' } }] });
    images.arm = await buildImage(layout, { tag: 'arm', architecture: 'arm64', layers: [{
      files: { 'etc/motd': 'arm64\n' } }] });
    await buildPlatformIndex(layout, 'multi', [{ image: images.amd }, { image: images.arm }]);
    images.multi = { ...images.amd, tag: 'multi', reference: `oci:${layout}:multi` };
    await buildPlatformIndex(layout, 'vulnmulti', [{ image: images.old },
      { image: images.clean }]);
    images.vulnmulti = { ...images.old, tag: 'vulnmulti', reference: `oci:${layout}:vulnmulti` };

    await policy('frozen', '--immutable-tags');
    await policy('signed', '--require-signature', join(temp.dir, 'trusted.pub'));
    await policy('vuln', '--max-severity', 'medium', '--scan-on-push');
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await temp?.cleanup();
  });

  describe('when tags are immutable', () => {
    it('keeps a tag on its digest and refuses deleting it or what it points at', async () => {
      await push(images.old as BuiltImage, 'frozen/app:1');
      await push(images.old as BuiltImage, 'frozen/app:1');
      await push(images.clean as BuiltImage, 'frozen/app:2');
      const clean = await r('GET', '/v2/frozen/app/manifests/2');
      expect(clean.status).toBe(200);

      const moved = await r('PUT', '/v2/frozen/app/manifests/1',
        { 'Content-Type': OCI_MANIFEST }, clean.body);
      expectRefused(moved, /tag 1 is immutable: it points at sha256:.* and cannot move/);
      const tagged = await r('GET', '/v2/frozen/app/manifests/1');
      expect(tagged.headers.get('docker-content-digest')).toBe(images.old?.manifestDigest);

      expectRefused(await r('DELETE', '/v2/frozen/app/manifests/1'), /cannot be deleted/);
      expectRefused(await r('DELETE', `/v2/frozen/app/manifests/${images.old?.manifestDigest}`),
        /is tagged 1, an immutable tag, and cannot be deleted/);
      // A new tag is still a push like any other.
      const fresh = await r('PUT', '/v2/frozen/app/manifests/3',
        { 'Content-Type': OCI_MANIFEST }, clean.body);
      expect(fresh.status).toBe(201);
    }, 60_000);
  });

  describe('when a signature is required', () => {
    it('refuses unsigned pulls by tag and digest, GET and HEAD, until signed', async () => {
      await push(images.clean as BuiltImage, 'signed/app:1');
      const digest = images.clean?.manifestDigest ?? '';
      for (const [method, ref] of [['GET', '1'], ['HEAD', '1'], ['GET', digest],
        ['HEAD', digest]] as const) {
        expectRefused(await pull(method, `/v2/signed/app/manifests/${ref}`),
          /policy of project signed: .* has no signature found by a required key/);
      }

      const other = await moat(['sign', `${host}/signed/app:1`, '--key',
        join(temp.dir, 'other.key'), '--authfile', authfile], keyEnv);
      expect(other.code, other.err).toBe(0);
      expectRefused(await pull('GET', '/v2/signed/app/manifests/1'), /no valid signature/);

      const signed = await moat(['sign', `${host}/signed/app:1`, '--key',
        join(temp.dir, 'trusted.key'), '--authfile', authfile], keyEnv);
      expect(signed.code, signed.err).toBe(0);
      for (const method of ['GET', 'HEAD']) {
        expect((await pull(method, '/v2/signed/app/manifests/1')).status).toBe(200);
        expect((await pull(method, `/v2/signed/app/manifests/${digest}`)).status).toBe(200);
      }
    }, 60_000);

    it('lets those who may push read an unsigned manifest, so that they can sign it',
      async () => {
        await push(images.clean as BuiltImage, 'signed/ci:1');
        expectRefused(await pull('GET', '/v2/signed/ci/manifests/1'), /no signature found/);
        expect((await r('GET', '/v2/signed/ci/manifests/1')).status).toBe(200);

        // Not with a token cut down to pull: the waiver follows what the token grants.
        const issued = await r('GET', `/token?service=${encodeURIComponent(host)}` +
          '&scope=repository:signed/ci:pull');
        expect(issued.status).toBe(200);
        const token = (issued.json() as { token: string }).token;
        expectRefused(await r('GET', '/v2/signed/ci/manifests/1', {}, undefined,
          `Bearer ${token}`), /no signature found/);
      }, 60_000);

    it('keeps signature artifacts pullable so that clients can verify', async () => {
      await push(images.old as BuiltImage, 'signed/tool:1');
      const signed = await moat(['sign', `${host}/signed/tool:1`, '--key',
        join(temp.dir, 'other.key'), '--authfile', authfile], keyEnv);
      expect(signed.code, signed.err).toBe(0);
      const sigTag = `${(images.old?.manifestDigest ?? '').replace(':', '-')}.sig`;
      expect((await pull('GET', `/v2/signed/tool/manifests/${sigTag}`)).status).toBe(200);
      expectRefused(await pull('GET', '/v2/signed/tool/manifests/1'), /no valid signature/);
    }, 60_000);

    it('gains nothing from pushing an image under a .sig tag', async () => {
      const fake = `${'sha256-'}${'0'.repeat(64)}.sig`;
      await push(images.old as BuiltImage, `signed/sneaky:${fake}`);
      expectRefused(await pull('GET', `/v2/signed/sneaky/manifests/${fake}`), /no signature/);
    }, 60_000);

    it('lets a platform manifest through when its signed index lists it', async () => {
      await push(images.multi as BuiltImage, 'signed/multi:1', true);
      await push(images.amd as BuiltImage, 'signed/lone:1');
      const arm = images.arm?.manifestDigest ?? '';
      expectRefused(await pull('GET', `/v2/signed/multi/manifests/${arm}`),
        /no signed index in the repository lists it/);
      expectRefused(await pull('GET', '/v2/signed/multi/manifests/1'), /no signature found/);

      const signed = await moat(['sign', `${host}/signed/multi:1`, '--key',
        join(temp.dir, 'trusted.key'), '--authfile', authfile], keyEnv);
      expect(signed.code, signed.err).toBe(0);
      expect((await pull('GET', '/v2/signed/multi/manifests/1')).status).toBe(200);
      expect((await pull('GET', `/v2/signed/multi/manifests/${arm}`)).status).toBe(200);
      // The same platform image in another repository is not covered by that signature.
      expectRefused(await pull('GET',
        `/v2/signed/lone/manifests/${images.amd?.manifestDigest}`), /no signature found/);
    }, 60_000);
  });

  describe('when a severity ceiling applies', () => {
    it('refuses an image with a finding above it, naming the advisory and package', async () => {
      await push(images.old as BuiltImage, 'vuln/app:old');
      await push(images.clean as BuiltImage, 'vuln/app:clean');
      const digest = images.old?.manifestDigest ?? '';
      expect(await scanned('vuln/app', digest)).toMatchObject({ status: 'scanned',
        policy: { pullAllowed: false } });
      expect(await scanned('vuln/app', images.clean?.manifestDigest ?? ''))
        .toMatchObject({ status: 'scanned', policy: { pullAllowed: true } });

      const words = new RegExp(`${digest} has (CVE|GHSA)-[^ ]+ \\((high|critical)\\) in ` +
        'package lodash 4.17.15 \\(npm\\), above max severity medium');
      for (const method of ['GET', 'HEAD']) {
        expectRefused(await pull(method, '/v2/vuln/app/manifests/old'), words);
        expectRefused(await pull(method, `/v2/vuln/app/manifests/${digest}`), words);
        expect((await pull(method, '/v2/vuln/app/manifests/clean')).status).toBe(200);
      }
    }, 60_000);

    it('refuses an index when any of its images is refused', async () => {
      await push(images.vulnmulti as BuiltImage, 'vuln/multi:1', true);
      await scanned('vuln/multi', images.old?.manifestDigest ?? '');
      await scanned('vuln/multi', images.clean?.manifestDigest ?? '');
      expectRefused(await pull('GET', '/v2/vuln/multi/manifests/1'), /lodash 4\.17\.15/);
      expect((await pull('GET',
        `/v2/vuln/multi/manifests/${images.clean?.manifestDigest}`)).status).toBe(200);
    }, 60_000);

    it('refuses an image it cannot scan instead of waving it through', async () => {
      const layer = Buffer.from('this is not a gzip stream');
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux',
        rootfs: { type: 'layers', diff_ids: [digestOf(layer)] } }));
      for (const blob of [layer, config]) {
        const up = await r('POST', `/v2/vuln/broken/blobs/uploads/?digest=${digestOf(blob)}`,
          { 'Content-Type': 'application/octet-stream' }, blob);
        expect(up.status).toBe(201);
      }

      const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: digestOf(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: digestOf(layer), size: layer.length }] }));
      const put = await r('PUT', '/v2/vuln/broken/manifests/1',
        { 'Content-Type': OCI_MANIFEST }, manifest);
      expect(put.status).toBe(201);
      expect(await scanned('vuln/broken', digestOf(manifest)))
        .toMatchObject({ status: 'failed', policy: { pullAllowed: false } });
      expectRefused(await pull('GET', '/v2/vuln/broken/manifests/1'),
        /could not be scanned .*refuses images it cannot check/);
    }, 60_000);

    it('scans on the first pull an image pushed before the policy, refusing until then',
      async () => {
        const created = await moat(['project', 'create', 'late', '--data', data]);
        expect(created.code, created.err).toBe(0);
        const granted = await moat(['user', 'grant', 'deploy', 'reader', 'late', '--data', data]);
        expect(granted.code, granted.err).toBe(0);
        await push(images.clean as BuiltImage, 'late/app:1');
        expect((await pull('GET', '/v2/late/app/manifests/1')).status).toBe(200);

        const set = await moat(['project', 'policy', 'late', '--max-severity', 'high',
          '--data', data]);
        expect(set.code, set.err).toBe(0);
        expectRefused(await pull('GET', '/v2/late/app/manifests/1'), /is not yet scanned/);
        await scanned('late/app', images.clean?.manifestDigest ?? '');
        expect((await pull('GET', '/v2/late/app/manifests/1')).status).toBe(200);
      }, 60_000);
  });

  describe('when new advisories arrive', () => {
    it('matches finished scans again and refuses what is now above the ceiling', async () => {
      await policy('fresh', '--max-severity', 'medium', '--scan-on-push');
      await push(images.minimist as BuiltImage, 'fresh/cli:1');
      const digest = images.minimist?.manifestDigest ?? '';
      expect(await scanned('fresh/cli', digest)).toMatchObject({ status: 'scanned',
        policy: { pullAllowed: true } });
      expect((await pull('GET', '/v2/fresh/cli/manifests/1')).status).toBe(200);

      const lines = (await readFile(join(vulndata, 'npm.jsonl'), 'utf8')).split('\n')
        .filter((line) => /"name":\s*"minimist"/.test(line));
      await writeFile(join(temp.dir, 'minimist.jsonl'), `${lines.join('\n')}\n`);
      const imported = await moat(['db', 'import', join(temp.dir, 'minimist.jsonl'),
        '--cache-dir', cache]);
      expect(imported.code, imported.err).toBe(0);

      // Matched again from the stored inventory within a few rounds (bounded wait).
      let reply = await pull('GET', '/v2/fresh/cli/manifests/1');
      for (let i = 0; i < 150 && reply.status === 200; i += 1) {
        await new Promise((done) => setTimeout(done, 100));
        reply = await pull('GET', '/v2/fresh/cli/manifests/1');
      }

      expectRefused(reply, /in package minimist 0\.0\.8 \(npm\), above max severity medium/);
      expect(await scanOf('fresh/cli', digest)).toMatchObject({ status: 'scanned',
        counts: { critical: expect.any(Number) } });
    }, 60_000);
  });

  it('scans again once an advisory database exists where there was none', async () => {
    const bare = await loadServerConfig({ listen: `127.0.0.1:${await freePort()}`,
      data: join(temp.dir, 'bare-data'), cacheDir: join(temp.dir, 'bare-cache') });
    process.env.MOAT_ADMIN_PASSWORD = PASSWORD;
    const second = await startServer({ ...bare, rematchIntervalMs: 200 }, silentLogger)
      .finally(() => delete process.env.MOAT_ADMIN_PASSWORD);
    try {
      const set = await moat(['project', 'create', 'late2', '--data', bare.dataDir]);
      expect(set.code, set.err).toBe(0);
      expect((await moat(['project', 'policy', 'late2', '--max-severity', 'high',
        '--scan-on-push', '--data', bare.dataDir])).code).toBe(0);
      await run('skopeo', ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false',
        '--dest-creds', `admin:${PASSWORD}`, images.clean?.reference ?? '',
        `docker://${new URL(second.url).host}/late2/app:1`], { secrets: [PASSWORD] });
      const path = `/api/v1/repositories/late2%2Fapp/manifests/${images.clean?.manifestDigest}` +
        '/scan';
      const status = async () => (await call(second.url, 'GET', path,
        { headers: { Authorization: ADMIN } })).json() as { status: string; error?: string };
      let scan = await status();
      for (let i = 0; i < 100 && scan.status !== 'failed'; i += 1) {
        await new Promise((done) => setTimeout(done, 100));
        scan = await status();
      }

      expect(scan).toMatchObject({ status: 'failed', error: expect.stringMatching(/advis/i) });
      const imported = await moat(['db', 'import', join(temp.dir, 'lodash.jsonl'),
        '--cache-dir', bare.cacheDir]);
      expect(imported.code, imported.err).toBe(0);
      for (let i = 0; i < 150 && scan.status !== 'scanned'; i += 1) {
        await new Promise((done) => setTimeout(done, 100));
        scan = await status();
      }

      expect(scan.status).toBe('scanned');
    } finally {
      await second.close();
    }
  }, 60_000);

  it('records every refusal in the audit log with who, what and why', async () => {
    const log = await moat(['audit-log', '--data', data, '--format', 'json']);
    expect(log.code, log.err).toBe(0);
    const rows = (JSON.parse(log.out) as Array<Record<string, unknown>>)
      .filter((row) => row.event === 'policy');
    expect(rows).toContainEqual(expect.objectContaining({ subject: 'deploy', actions: 'pull',
      repository: 'vuln/app', digest: images.old?.manifestDigest, decision: 'deny',
      reason: expect.stringMatching(/^policy of project vuln: .*lodash 4\.17\.15/) }));
    expect(rows).toContainEqual(expect.objectContaining({ actions: 'push',
      repository: 'frozen/app', reason: expect.stringMatching(/immutable/) }));
    expect(rows).toContainEqual(expect.objectContaining({ subject: 'admin', decision: 'allow',
      repository: 'signed/ci', reason: expect.stringMatching(/allowed for signing/) }));
  });
});
