import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { MAX_BATCH_LINE_BYTES, readLines } from './version-compare.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(args: string[], input = ''): Promise<Run> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  stdin.end(input);
  const code = await main(['version-compare', ...args], { stdin, stdout, stderr, env: {} });
  return { code, out, err };
}

describe('moat version-compare', () => {
  it.each([
    [['dpkg', '1.0-1', '1.0~rc1-1'], '1'],
    [['rpm', '1.0-1', '1:0.1-1'], '-1'],
    [['Debian:12', '1.0', '1.0'], '0'],
    [['PyPI', '1.0.dev1', '1.0a1'], '-1'],
    [['maven', '1.0-SNAPSHOT', '1.0'], '-1'],
  ])('compares %j', async (args, expected) => {
    const result = await run(args);
    expect(result).toEqual({ code: 0, out: `${expected}\n`, err: '' });
  });

  it('prints JSON with the resolved scheme name', async () => {
    const result = await run(['Alpine:v3.19', '1.0-r1', '1.0', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ scheme: 'apk', a: '1.0-r1', b: '1.0', result: 1 });
  });

  it('exits 2 with a clear error for an invalid version', async () => {
    const result = await run(['semver', '1.0', '1.0.0']);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/INVALID_VERSION.*invalid semver version "1\.0"/);
  });

  it('exits 2 and lists the schemes for an unknown scheme', async () => {
    const result = await run(['cobol', '1', '2']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('dpkg, apk, rpm, semver, pep440, go, maven');
  });

  it('exits 2 when a version is missing', async () => {
    expect((await run(['dpkg', '1.0'])).code).toBe(2);
  });

  it('shows help with examples', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Examples:');
    expect(result.out).toContain('--batch');
  });
});

describe('moat version-compare --batch', () => {
  it('answers every line and goes on past invalid ones', async () => {
    const input = [
      '1.0.0\t1.1.0',
      'not-a-version\t1.0',
      'no tab here',
      '1.0.0\t1.0.0\textra',
      '',
      '2.0.0\t1.0.0\r',
      '1.0.0-rc.1\t1.0.0',
    ].join('\n');
    const result = await run(['--batch', 'semver'], input);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    const expected = ['-1', 'invalid', 'invalid', 'invalid', 'invalid', '1', '-1', ''];
    expect(result.out).toBe(expected.join('\n'));
  });

  it('prints one JSON object per line with --format json', async () => {
    const result = await run(['--batch', 'dpkg', '--format', 'json'], '1\t2\n:\t1\n');
    const lines = result.out.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ a: '1', b: '2', result: -1 });
    expect(lines[1]).toMatchObject({ a: ':', result: 'invalid' });
  });

  it('answers invalid for an overlong line and keeps reading', async () => {
    const long = `${'1'.repeat(MAX_BATCH_LINE_BYTES)}\t1`;
    const result = await run(['--batch', 'dpkg'], `${long}\n1\t1\n`);
    expect(result.out).toBe('invalid\n0\n');
  });

  it('refuses versions on the command line in batch mode', async () => {
    expect((await run(['--batch', 'dpkg', '1', '2'])).code).toBe(2);
  });
});

describe('readLines', () => {
  it('joins lines split across chunks, even inside a UTF-8 character', async () => {
    const bytes = Buffer.from('é1\tb\nlast');
    const chunks = [bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)];
    const lines: (string | undefined)[] = [];
    for await (const line of readLines(Readable.from(chunks), 100)) lines.push(line);
    expect(lines).toEqual(['é1\tb', 'last']);
  });

  it('yields undefined for a line over the limit spread over many chunks', async () => {
    const chunks = ['abc', 'def', 'g\nok\n'];
    const lines: (string | undefined)[] = [];
    for await (const line of readLines(Readable.from(chunks), 5)) lines.push(line);
    expect(lines).toEqual([undefined, 'ok']);
  });
});
