import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../testing/requirements.js';
import { authFilePaths, findCredential } from './credential-files.js';

const HOST = 'reg.example';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const auths = (user: string) => JSON.stringify({ auths: { [HOST]: { auth: b64(`${user}:pw`) } } });

describe('findCredential', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let dir: string;
  let bin: string;

  const file = async (path: string, text: string) => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, text);
    return path;
  };
  const helper = async (name: string, script: string) => {
    const path = join(bin, `docker-credential-${name}`);
    await writeFile(path, `#!/bin/sh\n${script}\n`);
    await chmod(path, 0o755);
  };
  const userOf = async (env: NodeJS.ProcessEnv, authFile?: string) => {
    const found = await findCredential({ env, ...(authFile ? { authFile } : {}) }, HOST, 'a/b');
    const credential = found?.credential;
    return credential?.kind === 'basic' ? `${credential.username}@${found?.origin}` : found;
  };

  beforeAll(async () => {
    temp = await makeTempDir('registry-creds');
    dir = temp.dir;
    bin = join(dir, 'bin');
    await mkdir(bin);
    await file(join(dir, 'home/.docker/config.json'), auths('docker'));
    await file(join(dir, 'home/.config/containers/auth.json'), auths('podman'));
    await file(join(dir, 'run/containers/auth.json'), auths('runtime'));
    await file(join(dir, 'env.json'), auths('env'));
    await file(join(dir, 'empty.json'), '{}');
  });

  afterAll(async () => {
    await temp?.cleanup();
  });

  it('searches $REGISTRY_AUTH_FILE, the runtime dir, ~/.config, ~/.docker in order', async () => {
    const home = join(dir, 'home');
    const full = {
      HOME: home,
      XDG_RUNTIME_DIR: join(dir, 'run'),
      REGISTRY_AUTH_FILE: join(dir, 'env.json'),
    };

    expect(await userOf(full)).toBe(`env@${join(dir, 'env.json')}`);
    expect(await userOf({ ...full, REGISTRY_AUTH_FILE: undefined })).toMatch(/^runtime@/);
    expect(await userOf({ HOME: home })).toMatch(/^podman@/);
    expect(await userOf({ HOME: home, XDG_CONFIG_HOME: join(dir, 'none') })).toMatch(/^docker@/);
    expect(await userOf({ HOME: join(dir, 'nobody') })).toBeUndefined();
  });

  it('reads only an explicit auth file', async () => {
    expect(await userOf({ HOME: join(dir, 'home') }, join(dir, 'empty.json'))).toBeUndefined();
    expect(authFilePaths({ env: {}, authFile: '/x.json' })).toEqual(['/x.json']);
  });

  it.each([
    ['a missing explicit file', 'missing.json', undefined, 'cannot read auth file'],
    ['malformed JSON', 'bad.json', `{"auths": {"${HOST}": {"auth": "c2VjcmV0`, 'not valid JSON'],
  ])('refuses %s without quoting it', async (_what, name, content, message) => {
    const path = join(dir, name);
    if (content !== undefined) {
      await writeFile(path, content);
    }

    const err = await findCredential({ env: {}, authFile: path }, HOST, 'a/b').catch((e) => e);
    expect(err).toMatchObject({ code: 'CREDENTIALS_INVALID' });
    expect(err.message).toContain(message);
    expect(err.message).not.toContain('c2VjcmV0');
  });

  it.each([
    ['answers', `read s; echo '{"ServerURL":"'$s'","Username":"helped","Secret":"x"}'`, 'helped'],
    ['has nothing', 'echo "credentials not found in native keychain"; exit 1', undefined],
    ['fails', 'echo "dbus unavailable" >&2; exit 3', 'CREDENTIAL_HELPER_FAILED'],
    ['prints garbage', 'echo "not json"', 'CREDENTIAL_HELPER_FAILED'],
  ])('uses a helper that %s', async (name, script, expected) => {
    await helper(name.replace(/ /g, ''), script);
    const authFile = await file(
      join(dir, `helper-${name}.json`),
      JSON.stringify({ credHelpers: { [HOST]: name.replace(/ /g, '') } }),
    );
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}` };

    const found = await findCredential({ env, authFile }, HOST, 'a/b').catch((e) => e.code);
    const result = found?.credential?.username ?? found;
    expect(result).toBe(expected);
  });

  it('treats a helper that is not installed as no credentials', async () => {
    const document = JSON.stringify({ credsStore: 'absent' });
    const authFile = await file(join(dir, 'nohelper.json'), document);

    expect(await findCredential({ env: { PATH: bin }, authFile }, HOST, 'a/b')).toBeUndefined();
  });
});
