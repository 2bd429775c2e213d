import { createHash } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltImage } from '../../testing/images.js';
import { REGISTRY_NEEDS, startRegistry, type TestRegistry } from '../../testing/registry.js';
import { makeTempDir, skipReason } from '../../testing/requirements.js';
import type { ImageSource } from '../types.js';
import { openRegistrySource } from './index.js';
import { buildSingleImage, skopeoPush } from '../../testing/registry-images.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../../testing/registry-proxy.js';

const skip = skipReason('registry auth tests', REGISTRY_NEEDS);
const b64 = (text: string) => Buffer.from(text).toString('base64');

async function pullAll(source: ImageSource): Promise<string[]> {
  const image = await source.resolve();
  const digests: string[] = [];
  for (const layer of image.layers) {
    const hash = createHash('sha256');
    for await (const chunk of await source.openBlob(layer)) {
      hash.update(chunk as Buffer);
    }

    digests.push(`sha256:${hash.digest('hex')}`);
  }

  return digests;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }

  throw new Error('expected the promise to fail');
}

async function writeAuthFile(dir: string, name: string, document: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(document));
  return path;
}

describe.skipIf(skip)('pulling with htpasswd (Basic) authentication', () => {
  let registry: TestRegistry;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let image: BuiltImage;
  let ref: string;

  beforeAll(async () => {
    temp = await makeTempDir('registry-basic');
    registry = await startRegistry({ auth: 'htpasswd', users: { alice: { password: 'a-pw' } } });
    image = await buildSingleImage(temp.dir);
    ref = `${registry.host}/moat/app:v1`;
    const authFile = await writeAuthFile(temp.dir, 'push.json', {});
    await skopeoPush(image.reference, ref, { authFile, creds: 'alice:a-pw' });
  });

  afterAll(async () => {
    await registry?.stop();
    await temp?.cleanup();
  });

  it('pulls with credentials from an explicit auth file', async () => {
    const auths = { [registry.host]: { auth: b64('alice:a-pw') } };
    const authFile = await writeAuthFile(temp.dir, 'auth.json', { auths });
    const { source } = await openRegistrySource(ref, { authFile, env: { HOME: temp.dir } });

    expect(await pullAll(source)).toEqual(image.layers.map((l) => l.digest));
  });

  it('finds credentials in ~/.docker/config.json and REGISTRY_AUTH_FILE', async () => {
    const home = join(temp.dir, 'home');
    await mkdir(join(home, '.docker'), { recursive: true });
    const auths = { [registry.host]: { username: 'alice', password: 'a-pw' } };
    await writeAuthFile(join(home, '.docker'), 'config.json', { auths });
    const fromHome = await openRegistrySource(ref, { env: { HOME: home } });
    const authFile = await writeAuthFile(temp.dir, 'env-auth.json', { auths });
    const fromEnv = await openRegistrySource(ref, {
      env: { HOME: temp.dir, REGISTRY_AUTH_FILE: authFile },
    });

    expect((await fromHome.source.resolve()).manifestDigest).toBe(image.manifestDigest);
    expect((await fromEnv.source.resolve()).manifestDigest).toBe(image.manifestDigest);
  });

  it('runs a docker-credential helper named in credHelpers', async () => {
    const bin = join(temp.dir, 'bin');
    await mkdir(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-moattest');
    const answer = JSON.stringify({ ServerURL: registry.host, Username: 'alice', Secret: 'a-pw' });
    await writeFile(
      helper,
      `#!/bin/sh\nread server\n[ "$1" = get ] && [ "$server" = "${registry.host}" ] || ` +
        `{ echo "credentials not found in native keychain"; exit 1; }\necho '${answer}'\n`,
    );
    await chmod(helper, 0o755);
    const authFile = await writeAuthFile(temp.dir, 'helper.json', {
      credHelpers: { [registry.host]: 'moattest' },
    });
    const env = { HOME: temp.dir, PATH: `${bin}:${process.env.PATH ?? ''}` };
    const { source } = await openRegistrySource(ref, { authFile, env });

    expect((await source.resolve()).manifestDigest).toBe(image.manifestDigest);
  });

  it('refuses wrong credentials, naming the file but not the password', async () => {
    const auths = { [registry.host]: { auth: b64('alice:wrong-secret') } };
    const authFile = await writeAuthFile(temp.dir, 'wrong.json', { auths });
    const { source } = await openRegistrySource(ref, { authFile, env: { HOME: temp.dir } });

    const err = await failure(source.resolve());
    expect(err).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(err.message).toContain(authFile);
    expect(err.message).toContain('user "alice"');
    expect(err.message).not.toContain('wrong-secret');
  });

  it('follows a blob redirect to another host without sending the credentials there', async () => {
    const basic = `Basic ${b64('alice:a-pw')}`;
    const proxy: FaultProxy = await startFaultProxy(registry.host, (req): Fault | undefined => {
      if (req.path.startsWith('/redirected/')) {
        // Stands in for a blob store's pre-signed URL: the proxy adds what the store needs.
        const path = req.path.slice('/redirected'.length);
        return { kind: 'forward', path, headers: { authorization: basic } };
      }

      const layer = image.layers.some((l) => req.path.endsWith(`/blobs/${l.digest}`));
      const location = `http://localhost:${proxy.port}/redirected${req.path}`;
      return layer ? { kind: 'reply', status: 307, headers: { location } } : undefined;
    });
    try {
      const auths = { [proxy.host]: { auth: b64('alice:a-pw') } };
      const authFile = await writeAuthFile(temp.dir, 'redirect.json', { auths });
      const { source } = await openRegistrySource(`${proxy.host}/moat/app:v1`, {
        authFile,
        env: { HOME: temp.dir },
      });

      expect(await pullAll(source)).toEqual(image.layers.map((l) => l.digest));
      const redirected = proxy.seen.filter((r) => r.path.startsWith('/redirected/'));
      const original = proxy.seen.filter((r) => r.path.startsWith('/v2/moat/app/blobs/'));
      expect(redirected).toHaveLength(image.layers.length);
      expect(redirected.map((r) => r.headers.authorization)).toEqual(
        image.layers.map(() => undefined),
      );
      expect(original.every((r) => r.headers.authorization === basic)).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it('says where it looked when there are no credentials', async () => {
    const { source } = await openRegistrySource(ref, { env: { HOME: temp.dir } });

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/no credentials for .* were found in .*config\.json/),
    });
  });
});

describe.skipIf(skip)('pulling with token authentication', () => {
  let registry: TestRegistry;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let image: BuiltImage;
  let ref: string;
  const users = {
    pusher: { password: 'p-pw', pull: ['*'], push: ['*'] },
    reader: { password: 'r-pw', pull: ['moat/app'] },
    stranger: { password: 's-pw', pull: ['other/repo'] },
    robot: { password: 'unused', pull: ['moat/app'], identityToken: 'refresh-robot' },
  };
  const open = async (user: string, password: string) => {
    const auths = { [registry.host]: { auth: b64(`${user}:${password}`) } };
    const authFile = await writeAuthFile(temp.dir, `${user}.json`, { auths });
    return (await openRegistrySource(ref, { authFile, env: { HOME: temp.dir } })).source;
  };

  beforeAll(async () => {
    temp = await makeTempDir('registry-token');
    registry = await startRegistry({ auth: 'token', users });
    image = await buildSingleImage(temp.dir);
    ref = `${registry.host}/moat/app:v1`;
    const authFile = await writeAuthFile(temp.dir, 'push.json', {});
    await skopeoPush(image.reference, ref, { authFile, creds: 'pusher:p-pw' });
  });

  afterAll(async () => {
    await registry?.stop();
    await temp?.cleanup();
  });

  it('pulls with a pull-only token, asking the token server once', async () => {
    const requests = registry.tokenServer?.requests ?? [];
    const before = requests.length;
    const source = await open('reader', 'r-pw');

    expect(await pullAll(source)).toEqual(image.layers.map((l) => l.digest));
    const mine = requests.slice(before);
    const scope = 'repository:moat/app:pull';
    expect(mine).toEqual([{ user: 'reader', scopes: [scope], granted: [scope] }]);
  });

  it('reuses a cached token until it expires, then renews it once for parallel pulls', async () => {
    let clock = Date.now();
    const auths = { [registry.host]: { auth: b64('reader:r-pw') } };
    const authFile = await writeAuthFile(temp.dir, 'clock.json', { auths });
    const { source } = await openRegistrySource(ref, {
      authFile,
      env: { HOME: temp.dir },
      now: () => clock,
    });
    const requests = registry.tokenServer?.requests ?? [];
    const before = requests.length;

    const resolved = await source.resolve();
    await source.resolve();
    expect(requests.length - before).toBe(1);
    clock += 301_000;
    const streams = await Promise.all(resolved.layers.map((l) => source.openBlob(l)));
    await Promise.all(streams.map((s) => s.toArray()));
    expect(requests.length - before).toBe(2);
  });

  it('exchanges an identity token for an access token', async () => {
    const auths = { [registry.host]: { auth: b64('<token>:'), identitytoken: 'refresh-robot' } };
    const authFile = await writeAuthFile(temp.dir, 'robot.json', { auths });
    const { source } = await openRegistrySource(ref, { authFile, env: { HOME: temp.dir } });

    expect((await source.resolve()).manifestDigest).toBe(image.manifestDigest);
    expect(registry.tokenServer?.requests.at(-1)?.user).toBe('robot');
  });

  it('refuses a token without the repository in its scope', async () => {
    const source = await open('stranger', 's-pw');

    await expect(source.resolve()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/insufficient_scope.*user "stranger"/),
    });
  });

  it('reports a token server that refuses the password', async () => {
    const source = await open('reader', 'not-it');

    const err = await failure(source.resolve());
    expect(err).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(err.message).toContain('token request');
    expect(err.message).not.toContain('not-it');
  });

  it('refuses an anonymous pull of a private repository', async () => {
    const { source } = await openRegistrySource(ref, { env: { HOME: temp.dir } });

    await expect(source.resolve()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
