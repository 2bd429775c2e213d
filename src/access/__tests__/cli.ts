// Test support: runs `moat` commands in-process with captured output.
import { PassThrough } from 'node:stream';
import { main } from '../../cli/main.js';
import { silentLogger } from '../../log.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runMoat(args: string[], input = '', env: NodeJS.ProcessEnv = {}):
  Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  stdin.end(input);
  const code = await main(args, { stdin, stdout, stderr, env, log: silentLogger });
  return { code, out, err };
}

export function basicAuth(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** The payload of a JWT, without checking it. */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as
    Record<string, unknown>;
}
