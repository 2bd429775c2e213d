import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/requirements.js';
import { loadServerConfig } from './config.js';

describe('moat serve settings', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  const file = (name: string, text: string) => writeFile(join(temp.dir, name), text)
    .then(() => join(temp.dir, name));
  beforeAll(async () => (temp = await makeTempDir('serve-config')));
  afterAll(() => temp.cleanup());

  it('defaults to loopback port 5000 and ./moat-data', async () => {
    expect(await loadServerConfig({})).toMatchObject({ host: '127.0.0.1', port: 5000,
      dataDir: './moat-data', publicUrl: 'http://127.0.0.1:5000', service: '127.0.0.1:5000',
      trustProxy: false });
  });

  it('takes the file, and flags over the file', async () => {
    const config = await file('a.yaml', 'listen: 0.0.0.0:6000\ndata: /srv/moat\n' +
      'publicUrl: https://moat.bank/\nlimits: {maxUploadsPerRepository: 3}\n' +
      'trustProxy: 10.0.0.0/8\n');
    expect(await loadServerConfig({ config, data: '/other' })).toMatchObject({ host: '0.0.0.0',
      port: 6000, dataDir: '/other', publicUrl: 'https://moat.bank', service: 'moat.bank',
      limits: { maxUploadsPerRepository: 3 }, trustProxy: '10.0.0.0/8' });
  });

  it.each([
    [{ listen: 'nohost' }, /HOST:PORT/],
    [{ listen: '127.0.0.1:99999' }, /HOST:PORT/],
    [{ listen: '127.0.0.1:0' }, /port 0/],
  ])('refuses %j', async (flags, message) => {
    await expect(loadServerConfig(flags)).rejects.toThrow(message);
  });

  it.each([
    ['not a mapping', '- a\n- b\n', /mapping/],
    ['bad YAML', 'a: [\n', /not valid YAML/],
    ['a bad limit', 'limits: {maxBlobBytes: -1}\n', /positive integer/],
    ['a non-string field', 'listen: 5000\n', /must be a string/],
  ])('refuses a config file with %s', async (_what, text, message) => {
    await expect(loadServerConfig({ config: await file('bad.yaml', text) })).rejects
      .toThrow(message);
  });
});
