// `moat version-compare`: orders two versions with one ecosystem's exact rules, or many pairs
// streamed from stdin, so scripts and other tools can reuse Moat's version logic.
import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { VersionError } from '../../versions/errors.js';
import { getScheme, schemeNames } from '../../versions/registry.js';
import type { VersionScheme } from '../../versions/scheme.js';
import type { CliIo } from '../io.js';

/** Longest stdin line read in `--batch`; longer lines print `invalid`. */
export const MAX_BATCH_LINE_BYTES = 64 * 1024;

const EXAMPLES = `
Prints -1, 0 or 1 as A sorts before, equal to, or after B.

Schemes: dpkg apk rpm semver pep440 go maven, or an OSV ecosystem name
(Debian, Ubuntu, Alpine, Red Hat, AlmaLinux, Rocky Linux, openSUSE, SUSE, npm, PyPI, Go,
Maven; a release suffix such as Debian:12 is allowed).

Examples:
  $ moat version-compare dpkg 1.2.3-1 1.2.3~rc1-1          # 1
  $ moat version-compare rpm 1:1.0-1.el9 2.0-1.el9          # 1 (epoch wins)
  $ moat version-compare PyPI 1.0.dev1 1.0a1 --format json
  $ printf '1.0\\t1.0-r1\\n2.0\\t1.9\\n' | moat version-compare --batch apk
  -1
  1

In --batch mode each stdin line is A<TAB>B; a line that is not exactly two fields, holds an
invalid version or is longer than 64 KiB prints "invalid", and the run goes on.
`;

type Format = 'text' | 'json';

interface Flags {
  batch?: boolean;
  format: Format;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('version-compare')
    .description('compare two versions with an ecosystem\'s ordering (-1, 0, 1)')
    .argument('<scheme>', 'version scheme or OSV ecosystem')
    .argument('[a]', 'first version')
    .argument('[b]', 'second version')
    .option('--batch', 'read A<TAB>B pairs from stdin, one result per line')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addHelpText('after', EXAMPLES)
    .action((name: string, a: string | undefined, b: string | undefined, flags: Flags) =>
      runVersionCompare(io, name, a, b, flags));
}

function resolveScheme(name: string): VersionScheme {
  const scheme = getScheme(name);
  if (scheme === undefined) {
    throw new UsageError(
      `unknown version scheme "${name}"; use one of ${schemeNames().join(', ')} ` +
        'or an OSV ecosystem such as Debian or PyPI',
    );
  }

  return scheme;
}

async function runVersionCompare(
  io: CliIo,
  name: string,
  a: string | undefined,
  b: string | undefined,
  flags: Flags,
): Promise<void> {
  const scheme = resolveScheme(name);
  if (flags.batch === true) {
    if (a !== undefined || b !== undefined) {
      throw new UsageError('--batch reads the versions from stdin; give only the scheme');
    }

    await compareBatch(io, scheme, flags.format);
    return;
  }

  if (a === undefined || b === undefined) {
    throw new UsageError('give a scheme and two versions: moat version-compare dpkg 1.0 1.1');
  }

  const result = scheme.compare(a, b);
  const text = flags.format === 'json'
    ? JSON.stringify({ scheme: scheme.name, a, b, result })
    : String(result);
  io.stdout.write(`${text}\n`);
}

/** One output line for one input line of `--batch`. */
export function compareLine(
  scheme: VersionScheme,
  line: string | undefined,
  format: Format,
): string {
  const fields = line?.replace(/\r$/, '').split('\t');
  const [a, b] = fields ?? [];
  if (line === undefined || fields?.length !== 2 || a === undefined || b === undefined) {
    const error = line === undefined ? 'line too long' : 'expected A<TAB>B';
    return format === 'json' ? JSON.stringify({ result: 'invalid', error }) : 'invalid';
  }

  try {
    const result = scheme.compare(a, b);
    return format === 'json' ? JSON.stringify({ a, b, result }) : String(result);
  } catch (err) {
    if (!(err instanceof VersionError)) {
      throw err;
    }

    const invalid = { a, b, result: 'invalid', error: err.message };
    return format === 'json' ? JSON.stringify(invalid) : 'invalid';
  }
}

async function compareBatch(io: CliIo, scheme: VersionScheme, format: Format): Promise<void> {
  for await (const line of readLines(io.stdin, MAX_BATCH_LINE_BYTES)) {
    if (!io.stdout.write(`${compareLine(scheme, line, format)}\n`)) {
      await once(io.stdout, 'drain');
    }
  }
}

/**
 * Splits a byte stream into UTF-8 lines without holding more than `limit` bytes of one line;
 * a longer line is yielded as `undefined`. A final line without a newline still counts.
 */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  limit: number,
): AsyncGenerator<string | undefined> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  const take = (piece: Buffer): void => {
    if (tooLong || size + piece.length > limit) {
      tooLong = true;
      parts = [];
      return;
    }

    parts.push(piece);
    size += piece.length;
  };

  for await (const chunk of input) {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10)) {
      take(data.subarray(0, nl));
      yield tooLong ? undefined : Buffer.concat(parts).toString('utf8');
      parts = [];
      size = 0;
      tooLong = false;
      data = data.subarray(nl + 1);
    }

    take(data);
  }

  if (tooLong || size > 0) {
    yield tooLong ? undefined : Buffer.concat(parts).toString('utf8');
  }
}
