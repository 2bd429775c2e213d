// `moat gc`: removes unreferenced blobs and expired uploads from a registry data dir. Safe to
// run while `moat serve` pushes: recent blobs are kept (see registry/gc.ts).
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { DEFAULT_GC, collectGarbage } from '../../registry/gc.js';
import { openRegistry } from '../../registry/registry.js';
import type { CliIo } from '../io.js';
import { oneOf } from '../options.js';

const EXAMPLES = `
Examples:
  $ moat gc --data /var/lib/moat
  $ moat gc --data /var/lib/moat --dry-run --format json
  $ moat gc --data ./moat-data --grace 10m --upload-expiry 2h

A blob goes when no manifest references it and nothing linked or wrote it within --grace
(default 1h). Upload sessions idle longer than --upload-expiry (default 24h) are ended.
Deleting a manifest or a blob through the API makes its blobs collectable.
`;

interface GcFlags {
  data: string;
  grace: number;
  uploadExpiry: number;
  dryRun?: boolean;
  format: 'text' | 'json';
}

export function register(program: Command, io: CliIo): void {
  program.command('gc')
    .description('remove unreferenced blobs and expired uploads from the registry store')
    .option('--data <dir>', 'data directory of moat serve', './moat-data')
    .option('--grace <duration>', 'keep blobs newer than this (s, m, h, d)', parseDuration,
      DEFAULT_GC.graceMs)
    .option('--upload-expiry <duration>', 'end uploads idle for longer (s, m, h, d)',
      parseDuration, DEFAULT_GC.uploadExpiryMs)
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--format <format>', 'text or json', oneOf(['text', 'json']), 'text')
    .addHelpText('after', EXAMPLES)
    .action((flags: GcFlags) => runGc(io, flags));
}

async function runGc(io: CliIo, flags: GcFlags): Promise<void> {
  const registry = await openRegistry(flags.data);
  try {
    const result = await collectGarbage(registry, { now: new Date(), graceMs: flags.grace,
      uploadExpiryMs: flags.uploadExpiry, dryRun: flags.dryRun === true });
    if (flags.format === 'json') {
      io.stdout.write(`${JSON.stringify({ dryRun: flags.dryRun === true, ...result }, null, 2)}\n`);
      return;
    }

    const verb = flags.dryRun === true ? 'would remove' : 'removed';
    io.stdout.write(`${verb} ${result.removedBlobs.length} blobs, ${result.expiredUploads} ` +
      `expired uploads, ${result.removedTempFiles} temp files\n`);
    result.removedBlobs.forEach((digest) => io.stdout.write(`  ${digest}\n`));
  } finally {
    registry.close();
  }
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10m`, `1h`, `7d` → milliseconds. @throws UsageError. */
export function parseDuration(value: string): number {
  const match = /^(\d+)([smhd])$/.exec(value.trim());
  if (match === null) {
    throw new UsageError(`duration ${value.slice(0, 40)} is not a number with s, m, h or d`);
  }

  return Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000);
}
