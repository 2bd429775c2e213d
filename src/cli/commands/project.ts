// `moat project create|list`: the namespaces repositories live in.
import type { Command } from 'commander';
import { recordAccountChange } from '../../access/account-audit.js';
import { checkName } from '../../access/names.js';
import { withAccessStore } from '../../access/store/open-store.js';
import type { CliIo } from '../io.js';
import { oneOf } from '../options.js';
import { cliActor, DEFAULT_DATA_DIR } from './user.js';

const EXAMPLES = `
Examples:
  $ moat project create payments              # private: only granted users and robots
  $ moat project create base-images --public  # anyone may pull, only granted users push
  $ moat project list --format json

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
}
