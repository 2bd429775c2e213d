// `moat scan IMAGE`: inventory the image, match it against the local advisory database, apply
// the CI policy (severity filter, ignore file, VEX) and exit 1 when `--fail-on` is crossed.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { advisoryDbPath, resolveCacheDir } from '../../advisories/cache-dir.js';
import { databaseAge, formatAge, parseDuration } from '../../advisories/status-text.js';
import { UsageError } from '../../errors.js';
import type { Inventory } from '../../inventory/model.js';
import { PolicyInputError } from '../../match/errors.js';
import { parseIgnoreFile, type IgnoreRule } from '../../match/ignore-file.js';
import { parseSeverity, type Severity } from '../../match/severity.js';
import { parseVex, type VexStatement } from '../../match/vex.js';
import { buildInventory } from '../../pipeline/inventory.js';
import { parseMoatJson } from '../../report/json-read.js';
import { buildScanReport } from '../../report/vuln/build.js';
import { formatScan, SCAN_FORMATS, type ScanFormat } from '../../report/vuln/index.js';
import { openAdvisoryStore } from '../../store/sqlite/advisory-store.js';
import { getScheme } from '../../versions/registry.js';
import { PolicyFailure } from '../main.js';
import { type CliIo, wantsColour, writeResult } from '../io.js';
import { oneOf, parsePlatformOption } from '../options.js';
import { createProgress } from '../progress.js';
import { toolVersion } from '../version.js';

interface ScanFlags {
  format: ScanFormat;
  output?: string;
  severity?: Severity[];
  failOn?: Severity;
  ignoreUnfixed?: boolean;
  ignoreFile?: string;
  vex: string[];
  sbom?: string;
  cacheDir?: string;
  maxDbAge: number;
  platform?: ReturnType<typeof parsePlatformOption>;
  insecure?: boolean;
  authfile?: string;
  progress: boolean;
}

const EXAMPLES = `
Examples:
  $ moat scan docker://registry.example/payments/ledger:1.4
  $ moat scan oci:./layout:app --fail-on high --ignore-unfixed      # CI gate: exit 1 on high+
  $ moat scan oci-archive:app.tar --format sarif -o moat.sarif       # GitHub code scanning
  $ moat scan app:1 --vex app.openvex.json --ignore-file .moatignore.yaml
  $ moat scan --sbom app.moat.json --format json                     # a saved \`moat sbom\`

Exit codes: 0 nothing at or above --fail-on, 1 the gate failed, 2 an error.
The database comes from \`moat db update\` or \`moat db import\` (see \`moat db --help\`).
`;

function severityList(text: string): Severity[] {
  return text.split(',').map((part) => {
    const severity = parseSeverity(part);
    if (severity === undefined) {
      throw new InvalidArgumentError('use severities from: critical, high, medium, low, '
        + 'negligible, unknown (comma-separated)');
    }

    return severity;
  });
}

function oneSeverity(text: string): Severity {
  const [severity] = severityList(text);
  return severity as Severity;
}

function duration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new InvalidArgumentError('use a duration like 24h, 90m or 7d');
  }

  return ms;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('scan')
    .description('find known vulnerabilities in an image\'s packages')
    .argument('[image]', 'image reference, as for `moat sbom`')
    .option('-f, --format <format>', `output: ${SCAN_FORMATS.join(', ')}`, oneOf(SCAN_FORMATS),
      'table')
    .option('-o, --output <file>', 'write to FILE (atomically) instead of stdout')
    .option('--severity <list>', 'report only these severities (comma-separated)', severityList)
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity',
      oneSeverity)
    .option('--ignore-unfixed', 'leave out vulnerabilities without a released fix')
    .option('--ignore-file <file>', 'YAML list of accepted findings (id, package, expires, reason)')
    .addOption(new Option('--vex <file>',
      'OpenVEX or CycloneDX VEX; not_affected suppresses (repeatable)')
      .argParser((value: string, all: string[]) => [...all, value]).default([], 'none'))
    .option('--sbom <file>', 'scan a saved Moat JSON inventory instead of reading an image')
    .option('--cache-dir <dir>', 'where the advisory database lives')
    .addOption(new Option('--max-db-age <duration>', 'warn when the database is older than this')
      .argParser(duration).default(24 * 3_600_000, '24h'))
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-arch image',
      parsePlatformOption)
    .option('--insecure', 'allow plain HTTP to registries that are not on loopback')
    .option('--authfile <file>', 'registry credentials (containers auth.json or Docker config)')
    .option('--no-progress', 'do not draw a progress bar on the terminal')
    .addHelpText('after', EXAMPLES)
    .action((image: string | undefined, flags: ScanFlags) => runScan(io, image, flags));
}

async function readText(file: string, what: string): Promise<string> {
  return readFile(file, 'utf8').catch((cause: unknown) => {
    throw new PolicyInputError('UNREADABLE_INPUT',
      `cannot read the ${what} ${file}: check the path`, { cause });
  });
}

async function readInventory(io: CliIo, image: string | undefined, flags: ScanFlags):
  Promise<Inventory> {
  if (flags.sbom !== undefined) {
    return parseMoatJson(await readText(flags.sbom, 'inventory'));
  }

  if (image === undefined) {
    throw new UsageError('name an image to scan, or pass --sbom FILE');
  }

  const progress = flags.progress ? createProgress(io, { label: `reading ${image}` }) : undefined;
  try {
    return await buildInventory(image, {
      platform: flags.platform, insecure: flags.insecure, authFile: flags.authfile, env: io.env,
      onProgress: progress === undefined ? undefined : (p) => progress.update(p),
    });
  } finally {
    progress?.done();
  }
}

async function readPolicyInputs(flags: ScanFlags):
  Promise<{ ignores: IgnoreRule[]; vex: VexStatement[] }> {
  const ignores = flags.ignoreFile === undefined ? []
    : parseIgnoreFile(await readText(flags.ignoreFile, 'ignore file'), flags.ignoreFile);
  const vex: VexStatement[] = [];
  for (const file of flags.vex) {
    vex.push(...parseVex(await readText(file, 'VEX document'), file));
  }

  return { ignores, vex };
}

async function runScan(io: CliIo, image: string | undefined, flags: ScanFlags): Promise<void> {
  const { ignores, vex } = await readPolicyInputs(flags);
  const store = openAdvisoryStore(advisoryDbPath(resolveCacheDir(flags.cacheDir, io.env)), 'read');
  try {
    const now = new Date();
    const age = databaseAge(store.status(), now);
    if (age === undefined || age > flags.maxDbAge) {
      io.log.warn({ age: age === undefined ? 'never updated' : formatAge(age) },
        'advisory database is stale: run `moat db update`');
    }

    const inventory = await readInventory(io, image, flags);
    const report = buildScanReport(inventory, store, {
      schemeFor: getScheme,
      policy: { severities: flags.severity, ignoreUnfixed: flags.ignoreUnfixed === true,
        ignores, vex, now },
      failOn: flags.failOn,
    });
    for (const rule of report.expiredIgnores) {
      io.log.warn({ id: rule.id, expires: rule.expires },
        'ignore entry expired: it no longer applies');
    }

    const toFile = flags.output !== undefined && flags.output !== '-';
    const text = formatScan(report, flags.format, {
      colour: !toFile && wantsColour(io), now, toolVersion: toolVersion(), uuid: randomUUID(),
      columns: !toFile && io.stdout.isTTY === true ? io.stdout.columns : undefined,
    });
    await writeResult(io, text, flags.output);
    if (report.gate?.failed === true) {
      throw new PolicyFailure(`findings at or above ${report.gate.failOn}`);
    }
  } finally {
    store.close();
  }
}
