import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import type { CliIo } from './io.js';
import { createProgress, formatBytes, renderProgress } from './progress.js';

const ESC = '\u001b';

function fakeIo(options: { tty: boolean; env?: NodeJS.ProcessEnv; columns?: number }) {
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty, columns: options.columns });
  const chunks: Buffer[] = [];
  stderr.on('data', (c: Buffer) => chunks.push(c));
  const io: CliIo = {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr,
    env: options.env ?? {},
    log: silentLogger,
  };
  return { io, err: () => Buffer.concat(chunks).toString() };
}

function step(layer: number, bytes: number) {
  return { layer, layers: 7, bytes, totalBytes: 1_100_000_000 };
}

describe('createProgress', () => {
  describe('when stderr is a terminal', () => {
    it('draws layers, bytes and a bar on one line, then erases it', () => {
      const { io, err } = fakeIo({ tty: true });
      let clock = 0;
      const bar = createProgress(io, { label: 'reading debian:12', now: () => clock });

      bar.update(step(3, 412_000_000));
      clock = 500;
      bar.update(step(7, 1_100_000_000));
      bar.done();

      expect(err()).toBe(
        '\rreading debian:12  layer 3/7  412 MB / 1.1 GB  [#######-------------]'
          + `${ESC}[K`
          + '\rreading debian:12  layer 7/7  1.1 GB / 1.1 GB  [####################]'
          + `${ESC}[K`
          + `\r${ESC}[K`,
      );
    });

    it('redraws at most ten times a second', () => {
      const { io, err } = fakeIo({ tty: true });
      let clock = 0;
      const bar = createProgress(io, { label: 'x', now: () => clock });

      for (let i = 0; i < 100; i += 1) {
        clock = i * 10;
        bar.update(step(1, i));
      }

      expect(err().split('\r').length - 1).toBe(10);
    });

    it('ignores updates after done and erases only once', () => {
      const { io, err } = fakeIo({ tty: true });
      const bar = createProgress(io, { label: 'x', now: () => 0 });

      bar.update(step(1, 1));
      bar.done();
      bar.update(step(2, 2));
      bar.done();

      expect(err().split(`\r${ESC}[K`).length - 1).toBe(1);
    });

    it('keeps the line shorter than the terminal', () => {
      const { io, err } = fakeIo({ tty: true, columns: 30 });
      const bar = createProgress(io, { label: 'reading a very long image name', now: () => 0 });

      bar.update(step(1, 1));

      expect(err()).toBe(`\r${'reading a very long image name'.slice(0, 29)}${ESC}[K`);
    });

    it('writes nothing on done when nothing was drawn', () => {
      const { io, err } = fakeIo({ tty: true });

      createProgress(io, { label: 'x' }).done();

      expect(err()).toBe('');
    });
  });

  it.each([
    ['stderr is piped', { tty: false }],
    ['CI is set', { tty: true, env: { CI: 'true' } }],
    ['NO_COLOR is set', { tty: true, env: { NO_COLOR: '1' } }],
    ['the terminal is dumb', { tty: true, env: { TERM: 'dumb' } }],
  ])('draws nothing when %s', (_why, options) => {
    const { io, err } = fakeIo(options);
    const bar = createProgress(io, { label: 'x', now: () => 0 });

    bar.update(step(1, 1));
    bar.done();

    expect(err()).toBe('');
  });
});

describe('renderProgress', () => {
  it('falls back to the layer count when the total size is unknown', () => {
    expect(renderProgress('x', { layer: 1, layers: 4, bytes: 0, totalBytes: 0 }))
      .toBe('x  layer 1/4  0 B / 0 B  [#####---------------]');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [41_500_000, '42 MB'],
    [412_000_000, '412 MB'],
    [1_100_000_000, '1.1 GB'],
    [-5, '0 B'],
  ])('formats %i as %s', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});
