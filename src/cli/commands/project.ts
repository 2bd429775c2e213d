// `moat project create|list|policy`: the namespaces repositories live in, and the policies
// the server enforces on them.
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { recordAccountChange } from '../../access/account-audit.js';
import { checkName } from '../../access/names.js';
import {
  checkSeverity, describePolicy, keyId, normaliseKey, type PolicyChange, type ProjectPolicy,
} from '../../access/project-policy.js';
import { withAccessStore } from '../../access/store/open-store.js';
import { UsageError } from '../../errors.js';
import type { CliIo } from '../io.js';
import { oneOf } from '../options.js';
import { cliActor, DEFAULT_DATA_DIR } from './user.js';

const EXAMPLES = `
Examples:
  $ moat project create payments              # private: only granted users and robots
  $ moat project create base-images --public  # anyone may pull, only granted users push
  $ moat project list --format json
  $ moat project policy payments --require-signature cosign.pub --max-severity high \\
      --immutable-tags --scan-on-push
  $ moat project policy payments --format json     # show the current policy
  $ moat project policy payments --no-max-severity # clear one setting

A repository belongs to the project named by its first path component: payments/ledger is
in payments. Pushes to a project that does not exist are refused.
`;

export function register(program: Command, io: CliIo): void {
  const project = program.command('project').description('manage registry projects')
    .addHelpText('after', EXAMPLES);

  project.command('create').description('create a project (private unless --public)')
    .argument('<name>').option('--public', 'allow anonymous pulls')
    .option('--data <dir>', 'Moat data directory', DEFAULT_DATA_DIR)
    .action((name: string, flags: { public?: boolean; data: string }) =>
      withAccessStore(flags.data, ({ directory, audit }) => {
        directory.createProject(checkName('project', name), flags.public === true, new Date());
        const detail = `created ${flags.public === true ? 'public' : 'private'} project ${name}`;
        recordAccountChange(audit, { actor: cliActor(io), change: 'project create', detail,
          project: name, at: new Date() });
        io.stdout.write(`${detail}\n`);
      }));

  project.command('list').description('projects and whether they are public')
    .option('--data <dir>', 'Moat data directory', DEFAULT_DATA_DIR)
    .option('-f, --format <format>', 'table or json', oneOf(['table', 'json'] as const), 'table')
    .action((flags: { data: string; format: 'table' | 'json' }) =>
      withAccessStore(flags.data, ({ directory }) => {
        const projects = directory.projects();
        io.stdout.write(flags.format === 'json' ? `${JSON.stringify(projects, null, 2)}\n`
          : projects.map((p) => `${p.name}\t${p.public ? 'public' : 'private'}\n`).join(''));
      }));

  project.command('policy').description('show or change what the server enforces on a project')
    .argument('<name>')
    .option('--require-signature <pubkey...>', 'cosign public key files; pulls need a signature '
      + 'by one of them')
    .option('--no-require-signature', 'pull without signatures')
    .option('--max-severity <severity>', 'refuse pulls of images with a finding above this, or '
      + 'not scanned')
    .option('--no-max-severity', 'pull regardless of findings')
    .option('--immutable-tags', 'refuse moving or deleting tags')
    .option('--no-immutable-tags', 'allow moving and deleting tags')
    .option('--scan-on-push', 'inventory and match each pushed image')
    .option('--no-scan-on-push', 'do not scan pushed images')
    .option('--data <dir>', 'Moat data directory', DEFAULT_DATA_DIR)
    .option('-f, --format <format>', 'text or json', oneOf(['text', 'json'] as const), 'text')
    .action(async (name: string, flags: PolicyFlags) => {
      const change = await policyChange(flags);
      await withAccessStore(flags.data, ({ policies, audit }) => {
        let policy: ProjectPolicy | undefined;
        if (Object.keys(change).length === 0) {
          policy = policies.get(checkName('project', name));
          if (policy === undefined) {
            throw new UsageError(`no project ${name}: create it with \`moat project create ` +
              `${name}\``);
          }
        } else {
          const { before, after } = policies.update(checkName('project', name), change,
            new Date());
          policy = after;
          recordAccountChange(audit, { actor: cliActor(io), change: 'project policy',
            detail: `policy of ${name} was: ${describePolicy(before)}; now: ` +
              describePolicy(after), project: name, at: new Date() });
        }

        io.stdout.write(flags.format === 'json' ? `${JSON.stringify(policyJson(policy), null, 2)}\n`
          : formatPolicy(policy));
      });
    });
}

interface PolicyFlags {
  requireSignature?: string[] | false;
  maxSeverity?: string | false;
  immutableTags?: boolean;
  scanOnPush?: boolean;
  data: string;
  format: 'text' | 'json';
}

const MAX_KEY_FILE = 64 * 1024;

/** @throws UsageError for an unreadable key file; TrustError for one that is not a key. */
async function policyChange(flags: PolicyFlags): Promise<PolicyChange> {
  const change: PolicyChange = {};
  if (flags.requireSignature !== undefined) {
    change.requireSignature = [];
    for (const file of flags.requireSignature === false ? [] : flags.requireSignature) {
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile() !== true || info.size > MAX_KEY_FILE) {
        throw new UsageError(`--require-signature ${file}: not a readable key file under ` +
          `${MAX_KEY_FILE} bytes; pass a cosign.pub`);
      }

      change.requireSignature.push(normaliseKey(await readFile(file, 'utf8')));
    }
  }

  if (flags.maxSeverity !== undefined) {
    change.maxSeverity = flags.maxSeverity === false ? null : checkSeverity(flags.maxSeverity);
  }

  if (flags.immutableTags !== undefined) {
    change.immutableTags = flags.immutableTags;
  }

  if (flags.scanOnPush !== undefined) {
    change.scanOnPush = flags.scanOnPush;
  }

  return change;
}

function policyJson(policy: ProjectPolicy): object {
  return { ...policy,
    requireSignature: policy.requireSignature.map((pem) => ({ id: keyId(pem), pem })) };
}

function formatPolicy(policy: ProjectPolicy): string {
  const keys = policy.requireSignature.map(keyId);
  return [`project\t${policy.project}`,
    `require-signature\t${keys.length === 0 ? 'off' : keys.join(', ')}`,
    `max-severity\t${policy.maxSeverity ?? 'off'}`,
    `immutable-tags\t${policy.immutableTags ? 'on' : 'off'}`,
    `scan-on-push\t${policy.scanOnPush ? 'on' : 'off'}`].join('\n').concat('\n');
}
