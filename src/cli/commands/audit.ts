// `moat audit`: isolation posture of Kubernetes manifests (and the controls catalog behind it).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MoatError, UsageError } from '../../errors.js';
import { loadCatalog } from '../../posture/catalog/load.js';
import { hasInputErrors, type AuditReport } from '../../posture/finding.js';
import { readInputs } from '../../posture/inputs.js';
import { auditDockerfiles } from '../../posture/dockerfile/audit.js';
import { registerHost } from './audit-host.js';
import {
  auditCompose,
  DEFAULT_COMPOSE_CDE_LABEL,
  DEFAULT_OCI_SANDBOXES,
} from '../../posture/compose/audit.js';
import { DEFAULT_CDE_LABEL, DEFAULT_SANDBOX_RUNTIMES } from '../../posture/k8s/audit.js';
import {
  auditManifestsInParallel,
  defaultJobs,
  parseOthersRunning,
} from '../../posture/k8s/parallel.js';
import { renderControls } from '../../posture/report/controls.js';
import { parseFormat, renderReportChunks, type Format } from '../../posture/report/render.js';
import { parseStandard, type Standard } from '../../posture/standards.js';
import { wantsColour, writeResultStream, type CliIo } from '../io.js';
import { PolicyFailure } from '../main.js';

export interface ReportFlags {
  standard: string;
  format: string;
  output?: string;
}

const VERSION = process.env.npm_package_version ?? '0.1.0';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parseLabel(value: string): { key: string; value: string } {
  const eq = value.indexOf('=');
  if (eq <= 0) {
    throw new UsageError(`--cde-label ${value}: use KEY=VALUE, e.g. pci.bank.example/scope=cde`);
  }

  return { key: value.slice(0, eq), value: value.slice(eq + 1) };
}

function withReportFlags(command: Command): Command {
  return command
    .option('--standard <name>', 'pss-baseline, pss-restricted or moat', 'moat')
    .option('--format <format>', 'table, json or sarif', 'table')
    .option('-o, --output <file>', 'write the report to FILE (atomically) instead of stdout');
}

/** Writes the report, then maps it to the exit code: 2 for lost input, 1 for findings. */
export async function finishReport(
  io: CliIo,
  report: AuditReport,
  flags: ReportFlags,
  format: Format,
): Promise<void> {
  const catalog = await loadCatalog();
  if (report.subjects === 0) {
    // An empty pipe (e.g. a failed `helm template`) must not look like a clean bill of health.
    report.notes.push({
      level: 'warning',
      message: `nothing to judge: no ${report.target} objects found`,
    });
  }

  const options = { format, catalog, version: VERSION, colour: wantsColour(io) };
  await writeResultStream(io, renderReportChunks(report, options), flags.output);
  io.log.info(
    { target: report.target, subjects: report.subjects, findings: report.findings.length },
    'audit finished',
  );
  if (hasInputErrors(report)) {
    const count = report.notes.filter((n) => n.level === 'error').length;
    throw new MoatError(
      'AUDIT_INCOMPLETE',
      `${count} input problem(s); see the notes in the report`,
    );
  }

  if (report.findings.length > 0) {
    throw new PolicyFailure(`${report.findings.length} finding(s) against ${report.standard}`);
  }
}

export function register(program: Command, io: CliIo): void {
  const audit = program
    .command('audit')
    .description(
      'audit isolation posture: Kubernetes manifests, Compose files, Dockerfiles, hosts',
    );

  audit
    .command('controls')
    .description('list the controls catalog with its standards references')
    .option('--format <format>', 'table or json', 'table')
    .action(async (flags: { format: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json') {
        throw new UsageError(`unknown format ${flags.format}; use table or json`);
      }

      io.stdout.write(renderControls(await loadCatalog(), flags.format));
    });

  withReportFlags(audit.command('k8s').argument('<paths...>', 'files, directories, or - for stdin'))
    .description(
      'judge Kubernetes manifests against the Pod Security Standards or the bank profile',
    )
    .option(
      '--allowed-registry <registry>',
      'registry (or registry/path) images may come from',
      collect,
    )
    .option('--cde-label <key=value>', 'label marking cardholder-data workloads')
    .option('--sandbox-runtime <name>', 'RuntimeClass counted as sandboxed (repeatable)', collect)
    .option('--jobs <n>', 'threads that judge large inputs (default: one per idle CPU, up to 4)')
    .addHelpText(
      'after',
      `
Exit status: 0 when everything meets the standard, 1 on findings, 2 on errors.
The report is the same whatever --jobs is; --jobs 1 starts no worker thread.

Examples:
  moat audit k8s deploy/                                   # every *.yaml, *.yml, *.json below
  helm template ./chart | moat audit k8s - --standard pss-restricted
  moat audit k8s app.yaml --format sarif -o app.sarif --allowed-registry registry.bank.example
  moat audit k8s app.yaml --cde-label pci.bank.example/scope=cde --sandbox-runtime gvisor`,
    )
    .action(async (paths: string[], flags: ReportFlags & K8sFlags) => {
      const standard: Standard = parseStandard(flags.standard);
      const format = parseFormat(flags.format);
      const catalog = await loadCatalog();
      const read = await readInputs(paths, io.stdin);
      const jobs = flags.jobs === undefined ? await idleJobs() : parseJobs(flags.jobs);
      const options = {
        standard,
        catalog,
        cdeLabel: flags.cdeLabel === undefined ? DEFAULT_CDE_LABEL : parseLabel(flags.cdeLabel),
        sandboxRuntimes: flags.sandboxRuntime ?? DEFAULT_SANDBOX_RUNTIMES,
        allowedRegistries: flags.allowedRegistry ?? [],
      };
      const { report, workers } = await auditManifestsInParallel(read.inputs, options, { jobs });
      io.log.debug({ inputs: read.inputs.length, workers }, 'manifests judged');
      report.notes.unshift(...read.notes);
      await finishReport(io, report, flags, format);
    });

  registerCompose(audit, io);
  registerDockerfile(audit, io);
  registerHost(audit, io, { withReportFlags, finishReport, parseLabel, collect });
}

function registerDockerfile(audit: Command, io: CliIo): void {
  withReportFlags(audit.command('dockerfile').argument('<files...>', 'Dockerfiles, or - for stdin'))
    .description('judge Dockerfiles: root user, remote ADD, unpinned bases and packages, secrets')
    .addHelpText(
      'after',
      `
Dockerfiles are judged against the moat standard only (the Pod Security Standards do not
cover image builds). Exit status: 0 when clean, 1 on findings, 2 on errors.

Examples:
  moat audit dockerfile Dockerfile
  moat audit dockerfile build/*.Dockerfile --format sarif -o dockerfile.sarif`,
    )
    .action(async (files: string[], flags: ReportFlags) => {
      if (parseStandard(flags.standard) !== 'moat') {
        throw new UsageError('Dockerfile audits use --standard moat');
      }

      const format = parseFormat(flags.format);
      const read = await readInputs(files, io.stdin);
      const report = auditDockerfiles(read.inputs, await loadCatalog());
      report.notes.unshift(...read.notes);
      await finishReport(io, report, flags, format);
    });
}

function registerCompose(audit: Command, io: CliIo): void {
  withReportFlags(audit.command('compose').argument('<files...>', 'Compose files, or - for stdin'))
    .description('judge Docker Compose services against the container controls')
    .option('--cde-label <key=value>', 'label marking cardholder-data services')
    .option('--sandbox-runtime <name>', 'OCI runtime counted as sandboxed (repeatable)', collect)
    .addHelpText(
      'after',
      `
Exit status: 0 when every service meets the standard, 1 on findings, 2 on errors.

Examples:
  moat audit compose compose.yaml
  moat audit compose compose.yaml --standard pss-baseline --format sarif -o compose.sarif`,
    )
    .action(async (files: string[], flags: ReportFlags & K8sFlags) => {
      const standard = parseStandard(flags.standard);
      const format = parseFormat(flags.format);
      const read = await readInputs(files, io.stdin);
      const report = auditCompose(read.inputs, {
        standard,
        catalog: await loadCatalog(),
        cdeLabel:
          flags.cdeLabel === undefined ? DEFAULT_COMPOSE_CDE_LABEL : parseLabel(flags.cdeLabel),
        sandboxRuntimes: flags.sandboxRuntime ?? DEFAULT_OCI_SANDBOXES,
      });
      report.notes.unshift(...read.notes);
      await finishReport(io, report, flags, format);
    });
}

/** One judging thread per idle core; where /proc cannot be read, one per core. */
async function idleJobs(): Promise<number> {
  const loadavg = await readFile('/proc/loadavg', 'utf8').catch(() => '');
  return defaultJobs(parseOthersRunning(loadavg));
}

function parseJobs(value: string): number {
  const jobs = Number(value);
  if (!/^\d+$/.test(value) || jobs < 1 || jobs > 64) {
    throw new UsageError(`--jobs ${value}: use a whole number from 1 to 64, e.g. --jobs 2`);
  }

  return jobs;
}

interface K8sFlags {
  jobs?: string;
  allowedRegistry?: string[];
  cdeLabel?: string;
  sandboxRuntime?: string[];
}
