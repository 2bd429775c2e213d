// Test-only: runs the real `moat` command line with captured streams.
import { PassThrough } from 'node:stream';
import { main } from '../../cli/main.js';
import { silentLogger } from '../../log.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runMoat(args: string[], stdinText?: string): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  stdin.end(stdinText ?? '');
  const code = await main(args, { stdin, stdout, stderr, env: {}, log: silentLogger });
  return {
    code,
    stdout: Buffer.concat(out).toString(),
    stderr: Buffer.concat(err).toString(),
  };
}
