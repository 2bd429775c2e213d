// The `moat` command line: parses flags, runs one command, maps the outcome to an exit code.
import { Command, CommanderError } from 'commander';
import { describeError, MoatError, UsageError } from '../errors.js';
import { createLogger } from '../log.js';
import { commandsFor, type Register } from './commands/index.js';
import { ExitCode } from './exit.js';
import type { CliIo } from './io.js';
import { toolVersion } from './version.js';

/** Thrown by a command whose work succeeded but whose result fails the policy (exit 1). */
export class PolicyFailure extends Error {
  constructor(message = 'policy failed') {
    super(message);
  }
}

export function buildProgram(io: CliIo, commands: readonly Register[]): Command {
  const program = new Command('moat')
    .description('Keep containerized workloads isolated and patched, and prove it.')
    .version(toolVersion())
    .showHelpAfterError('(run with --help for usage and examples)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();

  for (const register of commands) {
    register(program, io);
  }

  return program;
}

export async function main(argv: string[], overrides: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    log: overrides.log ?? createLogger(),
    ...overrides,
  };

  try {
    const program = buildProgram(io, await commandsFor(argv));
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.OK;
  } catch (err) {
    return reportFailure(io, err);
  }
}

function reportFailure(io: CliIo, err: unknown): number {
  if (err instanceof CommanderError) {
    const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
    return ok || err.exitCode === 0 ? ExitCode.OK : ExitCode.ERROR;
  }

  if (err instanceof PolicyFailure) {
    return ExitCode.POLICY;
  }

  const prefix = err instanceof UsageError ? 'usage error' : 'error';
  const code = err instanceof MoatError ? ` [${err.code}]` : '';
  io.stderr.write(`moat: ${prefix}${code}: ${describeError(err)}\n`);
  if (!(err instanceof MoatError)) {
    io.log.debug({ err }, 'unexpected failure');
  }

  return ExitCode.ERROR;
}
