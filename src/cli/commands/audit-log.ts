// `moat audit-log`: every access decision the registry made, and a check of its hash chain.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { verifyChain } from '../../access/audit-chain.js';
import { formatAuditTable } from '../../access/audit-text.js';
import { withAccessStore } from '../../access/store/open-store.js';
import type { CliIo } from '../io.js';
import { PolicyFailure } from '../main.js';
import { oneOf } from '../options.js';
import { DEFAULT_DATA_DIR } from './user.js';

const EXAMPLES = `
Examples:
  $ moat audit-log --since 2026-12-01
  $ moat audit-log --format json --since 2026-12-03T08:00:00Z
  $ moat audit-log --verify          # exit 1 and name the first row when the chain is broken

Each row stores sha256(previous hash, row), so an edited or removed row is found by --verify.
`;

function parseSince(text: string): string {
  const when = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(when.getTime())) {
    throw new InvalidArgumentError(`"${text}" is not a date: use e.g. 2026-12-01`);
  }

  return when.toISOString();
}

export function register(program: Command, io: CliIo): void {
  program.command('audit-log').description('print or verify the registry access audit log')
    .option('--since <date>', 'only rows at or after this date or time', parseSince)
    .option('-f, --format <format>', 'table or json', oneOf(['table', 'json'] as const), 'table')
    .option('--verify', 'recompute the hash chain instead of printing')
    .option('--data <dir>', 'Moat data directory', DEFAULT_DATA_DIR)
    .addHelpText('after', EXAMPLES)
    .action((flags: { since?: string; format: 'table' | 'json'; verify?: boolean;
      data: string }) => withAccessStore(flags.data, ({ audit }) => {
      if (flags.verify === true) {
        const verdict = verifyChain(audit.rows());
        if (!verdict.ok) {
          io.stderr.write(`moat: audit log broken at row ${verdict.badRow}: ${verdict.why}\n`);
          throw new PolicyFailure(`audit log broken at row ${verdict.badRow}`);
        }

        io.stdout.write(`audit log intact: ${verdict.rows} rows\n`);
        return;
      }

      io.stdout.write(flags.format === 'json'
        ? `${JSON.stringify([...audit.rows(flags.since)], null, 2)}\n`
        : formatAuditTable(audit.rows(flags.since)));
    }));
}
