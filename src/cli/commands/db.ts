// `moat db import|update|export|status`: the local advisory database under the cache dir.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { exportBundle, isBundle, verifyBundle } from '../../advisories/bundle.js';
import { advisoryDbPath, resolveCacheDir } from '../../advisories/cache-dir.js';
import { AdvisoryError } from '../../advisories/errors.js';
import { loadItems, type ImportResult } from '../../advisories/import.js';
import { readInputs } from '../../advisories/inputs.js';
import { formatStatus } from '../../advisories/status-text.js';
import { defaultEcosystems, defaultSource, updateAdvisories } from '../../advisories/update.js';
import { openAdvisoryStore } from '../../store/sqlite/advisory-store.js';
import type { CliIo } from '../io.js';
import { oneOf, parseSize } from '../options.js';

const EXAMPLES = `
Examples:
  $ moat db update                                   # osv.dev exports for the default ecosystems
  $ moat db update --source https://osv-mirror.bank.internal --ecosystem Debian,npm
  $ moat db import ./osv/all.zip ./extra-advisories/  # .json, .jsonl, .zip or directories
  $ moat db export advisories.bundle --private-key signing.pem
  $ moat db import advisories.bundle --public-key signing.pub.pem   # on the air-gapped side
  $ moat db status --format json

Keys are Ed25519 PEM files: openssl genpkey -algorithm ed25519 -out signing.pem
                             openssl pkey -in signing.pem -pubout -out signing.pub.pem
The cache dir is --cache-dir, else MOAT_CACHE_DIR, else $XDG_CACHE_HOME/moat.
`;

interface CommonFlags {
  cacheDir?: string;
}

export function register(program: Command, io: CliIo): void {
  const db = program.command('db').description('manage the local vulnerability database')
    .addHelpText('after', EXAMPLES);

  db.command('import')
    .description('load OSV records or a signed bundle (one transaction: all or nothing)')
    .argument('<paths...>', '.json, .jsonl, .zip files, directories, or a .bundle')
    .option('--cache-dir <dir>', 'where the database lives')
    .option('--source <name>', 'name recorded for these records', 'local')
    .option('--public-key <file>', 'Ed25519 public key (PEM) that bundles must be signed with')
    .action((paths: string[], flags: CommonFlags & { source: string; publicKey?: string }) =>
      runImport(io, paths, flags));

  db.command('update')
    .description('fetch OSV exports from osv.dev or a mirror, only what changed')
    .option('--cache-dir <dir>', 'where the database lives')
    .option('--source <url>', 'base URL serving <Ecosystem>/all.zip', defaultSource)
    .option('--ecosystem <list>', 'comma-separated OSV ecosystems', defaultEcosystems.join(','))
    .option('--max-download <size>', 'largest export accepted', parseSize, 4 * 1024 ** 3)
    .action((flags: CommonFlags & { source: string; ecosystem: string; maxDownload: number }) =>
      runUpdate(io, flags));

  db.command('export')
    .description('write every record into one signed bundle for air-gapped sites')
    .argument('<file>', 'bundle to write')
    .option('--cache-dir <dir>', 'where the database lives')
    .option('--private-key <file>', 'Ed25519 private key (PEM); or MOAT_DB_PRIVATE_KEY')
    .action((file: string, flags: CommonFlags & { privateKey?: string }) =>
      runExport(io, file, flags));

  db.command('status')
    .description('records per ecosystem, sources, last update and age')
    .option('--cache-dir <dir>', 'where the database lives')
    .option('-f, --format <format>', 'table or json', oneOf(['table', 'json'] as const), 'table')
    .action((flags: CommonFlags & { format: 'table' | 'json' }) => runStatus(io, flags));
}

function dbFile(io: CliIo, flags: CommonFlags): string {
  return advisoryDbPath(resolveCacheDir(flags.cacheDir, io.env));
}

async function readKey(file: string | undefined): Promise<string | undefined> {
  if (file === undefined || file === '') {
    return undefined;
  }

  return readFile(file, 'utf8').catch((cause: unknown) => {
    throw new AdvisoryError('UNREADABLE_INPUT', `cannot read the key ${file}`, { cause });
  });
}

async function runImport(io: CliIo, paths: string[],
  flags: CommonFlags & { source: string; publicKey?: string }): Promise<void> {
  const publicKey = await readKey(flags.publicKey ?? io.env.MOAT_DB_PUBLIC_KEY);
  const plain: string[] = [];
  const bundles: ({ path: string } & Awaited<ReturnType<typeof verifyBundle>>)[] = [];
  for (const path of paths) {
    if (path.endsWith('.bundle') || await isBundle(path).catch(() => false)) {
      bundles.push({ path, ...await verifyBundle(path, publicKey) });
    } else {
      plain.push(path);
    }
  }

  const store = openAdvisoryStore(dbFile(io, flags), 'write');
  try {
    const now = (): Date => new Date();
    const results = await store.write(async (writer) => {
      const done: ImportResult[] = [];
      for (const bundle of bundles) {
        // The data is as fresh as its export, not as the copy onto this machine.
        const created = new Date(bundle.header.created);
        const when = Number.isNaN(created.getTime()) ? now : (): Date => created;
        done.push(await loadItems(writer, bundle.items,
          { source: 'bundle', url: bundle.path, now: when }));
      }

      if (plain.length > 0) {
        done.push(await loadItems(writer, readInputs(plain), { source: flags.source, now }));
      }

      return done;
    });
    reportImport(io, results);
  } finally {
    store.close();
  }
}

function reportImport(io: CliIo, results: ImportResult[]): void {
  const sum = (key: 'imported' | 'unchanged' | 'skipped'): number =>
    results.reduce((n, r) => n + r[key], 0);
  for (const { origin, reason } of results.flatMap((r) => r.skipReasons)) {
    io.log.warn({ origin, reason }, 'record skipped');
  }

  io.stdout.write(`imported ${sum('imported')} records, ${sum('unchanged')} unchanged, `
    + `${sum('skipped')} skipped\n`);
}

async function runUpdate(io: CliIo,
  flags: CommonFlags & { source: string; ecosystem: string; maxDownload: number }): Promise<void> {
  const cacheDir = resolveCacheDir(flags.cacheDir, io.env);
  const store = openAdvisoryStore(advisoryDbPath(cacheDir), 'write');
  try {
    const outcome = await updateAdvisories(store, {
      baseUrl: flags.source,
      ecosystems: flags.ecosystem.split(',').map((e) => e.trim()).filter((e) => e !== ''),
      workDir: join(cacheDir, 'downloads'),
      fetch: globalThis.fetch,
      now: () => new Date(),
      maxBytes: flags.maxDownload,
    });
    for (const { ecosystem, status, result } of outcome) {
      const detail = result === undefined ? '' : `: ${result.imported} new or changed, `
        + `${result.unchanged} unchanged, ${result.skipped} skipped`;
      io.stdout.write(`${ecosystem}: ${status}${detail}\n`);
    }
  } finally {
    store.close();
  }
}

async function runExport(io: CliIo, file: string,
  flags: CommonFlags & { privateKey?: string }): Promise<void> {
  const key = await readKey(flags.privateKey ?? io.env.MOAT_DB_PRIVATE_KEY);
  if (key === undefined) {
    throw new AdvisoryError('NO_PRIVATE_KEY', 'a bundle must be signed: pass --private-key FILE '
      + 'or set MOAT_DB_PRIVATE_KEY');
  }

  const store = openAdvisoryStore(dbFile(io, flags), 'read');
  try {
    const header = await exportBundle(store, file, key, new Date());
    io.stdout.write(`wrote ${header.records} records to ${file}\n`);
  } finally {
    store.close();
  }
}

function runStatus(io: CliIo, flags: CommonFlags & { format: 'table' | 'json' }): void {
  const store = openAdvisoryStore(dbFile(io, flags), 'read');
  try {
    const status = store.status();
    io.stdout.write(flags.format === 'json'
      ? `${JSON.stringify(status, null, 2)}\n`
      : formatStatus(status, new Date()));
  } finally {
    store.close();
  }
}
