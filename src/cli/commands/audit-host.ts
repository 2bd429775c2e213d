// `moat audit host`: the live containers of this Linux host, judged from the host side.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadCatalog } from '../../posture/catalog/load.js';
import type { AuditReport } from '../../posture/finding.js';
import { auditHost } from '../../posture/host/audit.js';
import { collectHost, runCommand } from '../../posture/host/collect.js';
import {
  CONTAINERD_ADDRESS,
  CONTAINERD_STATE_DIRS,
} from '../../posture/host/containerd.js';
import { DEFAULT_DOCKER_SOCKETS } from '../../posture/host/docker-api.js';
import { fsHostReader } from '../../posture/host/reader.js';
import { DEFAULT_COMPOSE_CDE_LABEL, DEFAULT_OCI_SANDBOXES } from '../../posture/compose/audit.js';
import { parseFormat, type Format } from '../../posture/report/render.js';
import { parseStandard } from '../../posture/standards.js';
import type { CliIo } from '../io.js';
import type { ReportFlags } from './audit.js';

interface Shared {
  withReportFlags(command: Command): Command;
  finishReport(io: CliIo, report: AuditReport, flags: ReportFlags, format: Format): Promise<void>;
  parseLabel(value: string): { key: string; value: string };
  collect(value: string, previous: string[] | undefined): string[];
}

interface HostFlags extends ReportFlags {
  container?: string[];
  podmanRoot?: string;
  podmanRunroot?: string;
  dockerSocket?: string[];
  containerdState?: string[];
  containerdAddress?: string;
  cdeLabel?: string;
  allowedRegistry?: string[];
  sandboxRuntime?: string[];
}

export function registerHost(audit: Command, io: CliIo, shared: Shared): void {
  shared
    .withReportFlags(audit.command('host'))
    .description('judge the running containers of this host from /proc and cgroups (needs root)')
    .option('--container <name-or-id>', 'audit only this container (repeatable)', shared.collect)
    .option('--podman-root <dir>', "podman's storage root, when not the default")
    .option('--podman-runroot <dir>', "podman's run root, when not the default")
    .option(
      '--docker-socket <path>',
      'Docker Engine API socket to ask (repeatable)',
      shared.collect,
    )
    .option(
      '--containerd-state <dir>',
      `containerd state directory (repeatable; default ${CONTAINERD_STATE_DIRS.join(', ')})`,
      shared.collect,
    )
    .option(
      '--containerd-address <path>',
      `containerd socket ctr asks for image names (default ${CONTAINERD_ADDRESS} if present)`,
    )
    .option('--cde-label <key=value>', 'label marking cardholder-data containers')
    .option(
      '--allowed-registry <registry>',
      'registry (or registry/path prefix) images may come from (repeatable)',
      shared.collect,
    )
    .option(
      '--sandbox-runtime <name>',
      'OCI runtime counted as sandboxed (repeatable)',
      shared.collect,
    )
    .addHelpText(
      'after',
      `
Containers are found through podman, Docker Engine API sockets (default: those of
${DEFAULT_DOCKER_SOCKETS.join(', ')} that exist), containerd's task state (with ctr for
image names), the runc and runsc state directories, and cgroup paths.
Exit status: 0 when every container meets the standard, 1 on findings, 2 on errors.

Examples:
  sudo moat audit host
  sudo moat audit host --container payments-api --standard pss-restricted --format json
  sudo moat audit host --allowed-registry registry.bank.example \\
    --containerd-state /run/k3s/containerd`,
    )
    .action(async (flags: HostFlags) => {
      const standard = parseStandard(flags.standard);
      const format = parseFormat(flags.format);
      const catalog = await loadCatalog();
      if (process.getuid?.() !== 0) {
        io.log.warn({}, 'not root: other users\u2019 processes cannot be read');
      }

      const globalArgs = [
        ...(flags.podmanRoot === undefined ? [] : ['--root', flags.podmanRoot]),
        ...(flags.podmanRunroot === undefined ? [] : ['--runroot', flags.podmanRunroot]),
      ];
      const snapshot = await collectHost({
        reader: fsHostReader('/'),
        run: runCommand,
        podman: { binary: 'podman', globalArgs },
        dockerSockets: flags.dockerSocket ?? DEFAULT_DOCKER_SOCKETS.filter((s) => existsSync(s)),
        containerd: {
          stateDirs: flags.containerdState ?? CONTAINERD_STATE_DIRS,
          address:
            flags.containerdAddress ??
            (existsSync(CONTAINERD_ADDRESS) ? CONTAINERD_ADDRESS : undefined),
        },
        only: flags.container ?? [],
      });
      const report = auditHost(
        snapshot.observations,
        snapshot.reference,
        {
          standard,
          catalog,
          cdeLabel:
            flags.cdeLabel === undefined
              ? DEFAULT_COMPOSE_CDE_LABEL
              : shared.parseLabel(flags.cdeLabel),
          sandboxRuntimes: flags.sandboxRuntime ?? DEFAULT_OCI_SANDBOXES,
          allowedRegistries: flags.allowedRegistry ?? [],
        },
        snapshot.notes,
      );
      await shared.finishReport(io, report, flags, format);
    });
}
