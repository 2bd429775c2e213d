// Real clients against the real `moat serve` (real access policy, admin credentials), side by
// side with the reference registry (Debian's docker-registry): the same images copied into both
// must get identical digests and read back byte for byte.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMoat } from '../posture/testing/cli.js';
import { toDockerArchive } from '../testing/image-export.js';
import { busyboxImage } from '../testing/fixtures.js';
import { buildImage } from '../testing/images.js';
import { buildPlatformIndex } from '../testing/layout-index.js';
import { startRegistry, type TestRegistry } from '../testing/registry.js';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import { run } from '../testing/run.js';
import { ADMIN, buildCli, spawnServer, type ServerProcess } from './__tests__/spawn-server.js';

const NEEDS = { root: true, tools: ['skopeo', 'docker-registry', 'busybox', 'chroot', 'podman',
  'runc', 'openssl'] };
const reason = skipReason('registry client tests', NEEDS);
const ready = reason === undefined && await buildCli();
const CREDS = `${ADMIN.username}:${ADMIN.password}`;
const SKOPEO = ['--insecure-policy'];
const MEDIA_TYPES: Record<string, string> = {
  busybox: 'application/vnd.oci.image.manifest.v1+json',
  docker: 'application/vnd.docker.distribution.manifest.v2+json',
  multi: 'application/vnd.oci.image.index.v1+json',
};

describe.skipIf(!ready)('moat serve with skopeo and podman, beside the reference registry', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let moat: ServerProcess;
  let reference: TestRegistry;
  const sources: Record<string, { ref: string; all: boolean }> = {};

  beforeAll(async () => {
    temp = await makeTempDir('registry-clients');
    moat = await spawnServer(join(temp.dir, 'data'), 'info');
    reference = await startRegistry();
    expect((await runMoat(['project', 'create', 'demo', '--data', join(temp.dir, 'data')])).code)
      .toBe(0);
    sources.busybox = { ref: (await busyboxImage()).reference, all: false };
    const docker = await buildImage(join(temp.dir, 'docker-layout'), {
      tag: 'two', layers: [{ files: { 'etc/one': 'one\n' } }, { files: { 'etc/two': 'two\n' } }] });
    sources.docker = { ref: await toDockerArchive(docker, temp.dir), all: false };
    const multi = join(temp.dir, 'multi-layout');
    const amd = await buildImage(multi, { tag: 'amd', architecture: 'amd64',
      layers: [{ files: { 'arch': 'amd64\n' } }] });
    const arm = await buildImage(multi, { tag: 'arm', architecture: 'arm64',
      layers: [{ files: { 'arch': 'arm64\n' } }] });
    await buildPlatformIndex(multi, 'multi', [{ image: amd }, { image: arm }]);
    sources.multi = { ref: `oci:${multi}:multi`, all: true };
  }, 120_000);
  afterAll(async () => {
    await moat?.stop();
    await reference?.stop();
    await temp?.cleanup();
  });

  const skopeo = (args: string[]) =>
    run('skopeo', [...SKOPEO, ...args], { secrets: [ADMIN.password] });
  const copyTo = (host: string, name: string, creds: boolean) => {
    const { ref, all } = sources[name] ?? { ref: '', all: false };
    return skopeo(['copy', '--quiet', ...(all ? ['--all'] : []), '--dest-tls-verify=false',
      ...(creds ? ['--dest-creds', CREDS] : []), ref, `docker://${host}/demo/${name}:1`]);
  };

  it.each(['busybox', 'docker', 'multi'])('copies %s into both with identical digests and bytes',
    async (name) => {
      await copyTo(moat.host, name, true);
      await copyTo(reference.host, name, false);
      const inspect = async (host: string, creds: string[]) => (await skopeo(['inspect', '--raw',
        '--tls-verify=false', ...creds, `docker://${host}/demo/${name}:1`])).stdout;
      const fromMoat = await inspect(moat.host, ['--creds', CREDS]);
      expect(fromMoat).toBe(await inspect(reference.host, []));
      expect(JSON.parse(fromMoat).mediaType).toBe(MEDIA_TYPES[name]);

      const all = sources[name]?.all === true ? ['--all'] : [];
      const readBack = async (host: string, creds: string[]) => {
        const out = join(temp.dir, `${name}-${host.replace(/\W/g, '_')}`);
        await skopeo(['copy', '--quiet', ...all, '--src-tls-verify=false', ...creds,
          `docker://${host}/demo/${name}:1`, `dir:${out}`]);
        const files = (await readdir(out)).sort();
        return Promise.all(files.map(async (f) => [f, await readFile(join(out, f))] as const));
      };
      const moatFiles = await readBack(moat.host, ['--src-creds', CREDS]);
      expect(moatFiles.length).toBeGreaterThan(2);
      expect(moatFiles).toEqual(await readBack(reference.host, []));
    }, 120_000);

  it('refuses a push without credentials', async () => {
    await expect(copyTo(moat.host, 'busybox', false))
      .rejects.toThrow(/unauthorized|authentication/i);
  });

  it('pushes and pulls with podman', async () => {
    const conf = join(temp.dir, 'containers.conf');
    await writeFile(conf, '[containers]\ndefault_ulimits = ["nofile=20000:20000"]\n' +
      '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n');
    const podman = (args: string[]) => run('podman', ['--root', join(temp.dir, 'podman-root'),
      '--runroot', join(temp.dir, 'podman-run'), '--storage-driver', 'vfs', ...args],
    { env: { ...process.env, CONTAINERS_CONF: conf }, secrets: [ADMIN.password] });
    await copyTo(moat.host, 'busybox', true);
    await podman(['pull', '-q', '--tls-verify=false', '--creds', CREDS,
      `${moat.host}/demo/busybox:1`]);
    await podman(['tag', `${moat.host}/demo/busybox:1`, `${moat.host}/demo/from-podman:1`]);
    await podman(['push', '-q', '--tls-verify=false', '--creds', CREDS,
      `${moat.host}/demo/from-podman:1`]);
    await podman(['rmi', '-f', `${moat.host}/demo/from-podman:1`, `${moat.host}/demo/busybox:1`]);
    await podman(['pull', '-q', '--tls-verify=false', '--creds', CREDS,
      `${moat.host}/demo/from-podman:1`]);
    const out = await podman(['image', 'inspect', '--format', '{{.Os}}',
      `${moat.host}/demo/from-podman:1`]);
    expect(out.stdout.trim()).toBe('linux');
  }, 180_000);

  it('logs requests without credentials or tokens', () => {
    const log = moat.stderr();
    expect(log).toContain('"request completed"');
    expect(log).not.toContain(ADMIN.password);
    expect(log).not.toMatch(/Basic [A-Za-z0-9+/=]{8}|Bearer ey|"authorization"/i);
  });

  it('deletes with skopeo', async () => {
    await copyTo(moat.host, 'docker', true);
    await skopeo(['delete', '--tls-verify=false', '--creds', CREDS,
      `docker://${moat.host}/demo/docker:1`]);
    await expect(skopeo(['inspect', '--tls-verify=false', '--creds', CREDS,
      `docker://${moat.host}/demo/docker:1`])).rejects.toThrow(/manifest unknown/i);
  });
});
