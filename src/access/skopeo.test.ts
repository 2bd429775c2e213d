// The access policy behind the real `moat serve`, driven by the reference client skopeo.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, type BuiltImage } from '../testing/images.js';
import { makeTempDir, skipReason } from '../testing/requirements.js';
import { run } from '../testing/run.js';
import { runMoat } from './__tests__/cli.js';
import { buildMoat, startMoatServe, type MoatServer } from './__tests__/serve.js';

const reason = skipReason('moat serve access tests', { tools: ['skopeo'] });
const ready = reason === undefined && buildMoat();
const PUBLISHER = 'publisher-password';
const READER = 'reader-password';

describe.skipIf(!ready)('skopeo against moat serve', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let server: MoatServer;
  let image: BuiltImage;
  const data = (): string => join(temp.dir, 'data');

  beforeAll(async () => {
    temp = await makeTempDir('access-skopeo');
    for (const args of [['project', 'create', 'payments'], ['user', 'add', 'pub',
      '--password-stdin'], ['user', 'grant', 'pub', 'publisher', 'payments'],
    ['user', 'add', 'rdr', '--password-stdin'], ['user', 'grant', 'rdr', 'reader', 'payments']]) {
      const input = args[2] === 'pub' ? `${PUBLISHER}\n` : `${READER}\n`;
      expect((await runMoat([...args, '--data', data()], input)).code).toBe(0);
    }

    server = await startMoatServe(data(), 'admin-password-e2e');
    image = await buildImage(join(temp.dir, 'layout'), { tag: 'v1',
      layers: [{ files: { 'etc/ledger.conf': 'currency=EUR\n' } }] });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await temp?.cleanup();
  });

  const copy = (user: string, password: string, tag: string) => run('skopeo', [
    '--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false', '--dest-creds',
    `${user}:${password}`, image.reference, `docker://${server.host}/payments/ledger:${tag}`],
  { secrets: [password] });

  it('lets a publisher push and a reader pull, but not push', async () => {
    await copy('pub', PUBLISHER, 'v1');
    const { stdout } = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds',
      `rdr:${READER}`, `docker://${server.host}/payments/ledger:v1`], { secrets: [READER] });
    expect(JSON.parse(stdout)).toMatchObject({ layers: [{ digest: image.layers[0]?.digest }] });
    await expect(copy('rdr', READER, 'v2')).rejects.toThrow(/denied|unauthorized|forbidden/i);
  }, 60_000);

  it('recorded both decisions, and no password, in the audit log', async () => {
    const rows = JSON.parse((await runMoat(['audit-log', '--format', 'json', '--data', data()]))
      .out) as { subject?: string; decision: string; actions: string; event: string }[];
    expect(rows.some((r) => r.subject === 'pub' && r.event === 'authorize'
      && r.actions.includes('push') && r.decision === 'allow')).toBe(true);
    expect(rows.some((r) => r.subject === 'rdr' && r.actions.includes('push')
      && r.decision === 'deny')).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(new RegExp(`${PUBLISHER}|${READER}`));
  });
});
