import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { type CliIo, wantsColour, writeResult } from './io.js';

function fakeIo(env: NodeJS.ProcessEnv = {}, isTTY = false): CliIo & { out: () => string } {
  const stdout = Object.assign(new PassThrough(), { isTTY });
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  return {
    stdin: new PassThrough(),
    stdout,
    stderr: new PassThrough(),
    env,
    log: silentLogger,
    out: () => Buffer.concat(chunks).toString(),
  };
}

describe('writeResult', () => {
  it('writes to stdout without --output', async () => {
    const io = fakeIo();
    await writeResult(io, 'hello\n');
    expect(io.out()).toBe('hello\n');
  });

  it('replaces the output file and leaves no temp file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moat-io-'));
    const file = join(dir, 'sbom.json');
    await writeFile(file, 'old');
    await writeResult(fakeIo(), 'new', file);
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['sbom.json']);
  });

  it('writes into a device in place instead of renaming over it', async () => {
    await writeResult(fakeIo(), 'discarded', '/dev/null');
    const info = await stat('/dev/null');
    expect(info.isCharacterDevice()).toBe(true);
  });

  it('refuses a directory as the output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moat-io-'));
    await expect(writeResult(fakeIo(), 'x', dir)).rejects.toThrow(/is a directory/);
  });

  it('keeps the old file when the write fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moat-io-'));
    const missingDir = join(dir, 'no-such-dir', 'out.json');
    await expect(writeResult(fakeIo(), 'x', missingDir)).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('wantsColour', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ TERM: 'dumb' }, true, false],
  ])('env %j on tty=%s gives %s', (env, tty, expected) => {
    expect(wantsColour(fakeIo(env, tty))).toBe(expected);
  });
});
