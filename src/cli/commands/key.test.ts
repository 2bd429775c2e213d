import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../testing/requirements.js';
import { decryptPrivateKey, parsePublicKey } from '../../trust/keys.js';
import { runMoat } from '../../access/__tests__/cli.js';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runMoat(args, '', env);

describe('moat key generate', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('key'));
  });

  afterEach(async () => cleanup());

  it('writes an encrypted 0600 key and a public key that belong together', async () => {
    const prefix = join(dir, 'cosign');
    const result = await run(['key', 'generate', '--output-prefix', prefix],
      { COSIGN_PASSWORD: 's3cret' });
    expect(result).toMatchObject({ code: 0, out: '' });

    expect((await stat(`${prefix}.key`)).mode & 0o777).toBe(0o600);
    const priv = decryptPrivateKey(await readFile(`${prefix}.key`, 'utf8'), 's3cret');
    const pub = parsePublicKey(await readFile(`${prefix}.pub`, 'utf8'));
    expect(pub.export({ format: 'jwk' })).toEqual({
      ...priv.export({ format: 'jwk' }),
      d: undefined,
    });
  });

  it('refuses to overwrite without --force, and overwrites with it', async () => {
    const prefix = join(dir, 'k');
    await writeFile(`${prefix}.key`, 'keep me');
    const refused = await run(['key', 'generate', '--output-prefix', prefix],
      { COSIGN_PASSWORD: '' });
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/already exists; pass --force/);
    expect(await readFile(`${prefix}.key`, 'utf8')).toBe('keep me');

    const forced = await run(['key', 'generate', '--output-prefix', prefix, '--force'],
      { COSIGN_PASSWORD: '' });
    expect(forced.code).toBe(0);
    expect(decryptPrivateKey(await readFile(`${prefix}.key`, 'utf8'), '')).toBeDefined();
  });

  it('asks for COSIGN_PASSWORD when it is not set', async () => {
    const result = await run(['key', 'generate', '--output-prefix', join(dir, 'x')], {});
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/set COSIGN_PASSWORD/);
  });
});
