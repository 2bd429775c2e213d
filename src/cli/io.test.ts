import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { type CliIo, wantsColour, writeResult, writeResultStream } from './io.js';

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

function* lines(count: number, onEach: (i: number) => void = () => {}): Generator<string> {
  for (let i = 0; i < count; i += 1) {
    onEach(i);
    yield `line ${i} ${'x'.repeat(100)}\n`;
  }
}

const expected = (count: number): string => [...lines(count)].join('');

describe('writeResultStream', () => {
  it('waits for a slow stdout to drain instead of buffering everything', async () => {
    const received: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk);
        setTimeout(done, 1);
      },
    });
    const io = { ...fakeIo(), stdout: slow };
    let maxQueued = 0;
    const count = 40_000; // about 4.4 MB
    await writeResultStream(io, lines(count, () => {
      maxQueued = Math.max(maxQueued, slow.writableLength);
    }));
    slow.end();
    await once(slow, 'finish');

    expect(Buffer.concat(received).toString()).toBe(expected(count));
    // At most one batch beyond the high-water mark is ever queued in memory.
    expect(maxQueued).toBeLessThan(16 * 1024 + 512 * 1024);
  });

  it('accepts async chunks', async () => {
    const io = fakeIo();
    async function* chunks(): AsyncGenerator<string> {
      yield 'a';
      yield 'b\n';
    }

    await writeResultStream(io, chunks());
    expect(io.out()).toBe('ab\n');
  });

  it('replaces --output atomically: the old file stays until the new one is complete', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moat-io-'));
    const file = join(dir, 'report.json');
    await writeFile(file, 'old');
    const seen: string[] = [];
    await writeResultStream(fakeIo(), lines(20_000, (i) => {
      if (i === 19_999) {
        seen.push(readFileSync(file, 'utf8'));
      }
    }), file);

    expect(seen).toEqual(['old']);
    expect(await readFile(file, 'utf8')).toBe(expected(20_000));
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('keeps the old file and removes the temp file when rendering fails midway', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moat-io-'));
    const file = join(dir, 'report.json');
    await writeFile(file, 'old');
    const failing = lines(20_000, (i) => {
      if (i === 10_000) {
        throw new Error('render failed');
      }
    });
    await expect(writeResultStream(fakeIo(), failing, file)).rejects.toThrow(/render failed/);
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('keeps the old state when the directory does not exist', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moat-io-'));
    const missing = join(dir, 'no-such-dir', 'out.json');
    await expect(writeResultStream(fakeIo(), lines(3), missing)).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes into /dev/null in place instead of renaming over it', async () => {
    await writeResultStream(fakeIo(), lines(5_000), '/dev/null');
    expect((await stat('/dev/null')).isCharacterDevice()).toBe(true);
    expect((await readdir('/dev')).some((name) => name.startsWith('.null.'))).toBe(false);
  });

  it('refuses a directory as the output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moat-io-'));
    await expect(writeResultStream(fakeIo(), lines(1), dir)).rejects.toThrow(/is a directory/);
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
