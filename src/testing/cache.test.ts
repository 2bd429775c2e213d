import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedDir, cacheKey, cacheRoot, repoRoot } from './cache.js';
import { makeTempDir } from './requirements.js';

describe('cachedDir', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  const saved = process.env.MOAT_TEST_CACHE;
  beforeEach(async () => {
    temp = await makeTempDir('cache');
    process.env.MOAT_TEST_CACHE = temp.dir;
  });
  afterEach(async () => {
    if (saved === undefined) {
      delete process.env.MOAT_TEST_CACHE;
    } else {
      process.env.MOAT_TEST_CACHE = saved;
    }

    await temp.cleanup();
  });

  it('builds once, then returns the same path without building', async () => {
    let builds = 0;
    const build = async (dir: string) => {
      builds += 1;
      await writeFile(join(dir, 'made'), 'yes');
    };

    const first = await cachedDir('k', build);
    const second = await cachedDir('k', build);

    expect(second).toBe(first);
    expect(builds).toBe(1);
    expect(await readFile(join(first, 'made'), 'utf8')).toBe('yes');
    expect(cacheRoot()).toBe(temp.dir);
  });

  it('builds once when two callers race', async () => {
    const log = join(temp.dir, 'builds.log');
    const build = async (dir: string) => {
      await appendFile(log, 'x');
      await new Promise((done) => setTimeout(done, 300));
      await writeFile(join(dir, 'made'), 'yes');
    };

    const [a, b] = await Promise.all([cachedDir('race', build), cachedDir('race', build)]);

    expect(a).toBe(b);
    expect(await readFile(log, 'utf8')).toBe('x');
  });

  it('leaves nothing behind when the build fails, and builds again next time', async () => {
    await expect(cachedDir('fail', async () => {
      throw new Error('boom');
    })).rejects.toThrow('boom');

    expect(await readdir(temp.dir)).toEqual([]);
    const dir = await cachedDir('fail', async (tmp) => writeFile(join(tmp, 'ok'), ''));
    expect(existsSync(join(dir, 'ok'))).toBe(true);
  });

  it('takes over a lock whose owner process is gone', async () => {
    const dead = spawn('true');
    await new Promise((done) => dead.on('exit', done));
    await writeFile(join(temp.dir, 'stale.lock'), String(dead.pid));

    const dir = await cachedDir('stale', async () => undefined, { waitMs: 5_000 });
    expect(dir).toBe(join(temp.dir, 'stale'));
  });

  it('waits for a live owner and gives up after the wait', async () => {
    await writeFile(join(temp.dir, 'held.lock'), String(process.ppid));

    await expect(cachedDir('held', async () => undefined, { waitMs: 500 })).rejects.toThrow(
      /timed out waiting/,
    );
  });

  it('makes keys that are safe file names and differ by content', () => {
    const a = cacheKey('npm tree/x', ['lodash@4.17.15']);
    const b = cacheKey('npm tree/x', ['lodash@4.17.21']);

    expect(a).toMatch(/^npm_tree_x-[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });
});

describe('cachedDir across processes', () => {
  it('builds once when separate processes race', async () => {
    const temp = await makeTempDir('cache-procs');
    const script = join(temp.dir, 'race.ts');
    const cacheModule = fileURLToPath(new URL('./cache.ts', import.meta.url));
    await writeFile(script, [
      `import { cachedDir } from ${JSON.stringify(cacheModule)};`,
      `import { appendFile, writeFile } from 'node:fs/promises';`,
      `await cachedDir('shared', async (dir) => {`,
      `  await appendFile(${JSON.stringify(join(temp.dir, 'log'))}, 'x');`,
      `  await new Promise((done) => setTimeout(done, 500));`,
      `  await writeFile(dir + '/made', 'yes');`,
      `});`,
    ].join('\n'));
    // vite-node (shipped with vitest) runs the TypeScript source in separate processes.
    const viteNode = join(repoRoot, 'node_modules', '.bin', 'vite-node');
    const runOne = () =>
      new Promise<number | null>((done) => {
        const child = spawn(viteNode, [script], {
          env: { ...process.env, MOAT_TEST_CACHE: join(temp.dir, 'c') },
          stdio: 'inherit',
        });
        child.on('exit', done);
      });

    try {
      expect(await Promise.all([runOne(), runOne(), runOne()])).toEqual([0, 0, 0]);
      expect(await readFile(join(temp.dir, 'log'), 'utf8')).toBe('x');
    } finally {
      await temp.cleanup();
    }
  });
});
