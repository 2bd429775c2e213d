// `moat robot add|list`: machine accounts with one project role and an expiry.
import type { Command } from 'commander';
import { recordAccountChange } from '../../access/account-audit.js';
import { AccessError } from '../../access/errors.js';
import { withAccessStore } from '../../access/store/open-store.js';
import { addRobot, parseExpiry } from '../../access/user-admin.js';
import type { Role } from '../../access/roles.js';
import type { CliIo } from '../io.js';
import { oneOf } from '../options.js';
import { cliActor, DEFAULT_DATA_DIR, parseRole } from './user.js';

const EXAMPLES = `
Examples:
  $ moat robot add ci-payments --project payments --role publisher --expires 2027-06-30
  $ skopeo copy docker-archive:app.tar docker://moat.bank/payments/app:1.0 \\
      --dest-creds robot/ci-payments:TOKEN
  $ moat robot list
  $ moat robot remove ci-payments              # e.g. when its token leaked

The token is printed once and stored only as a hash; log in as robot/NAME (or NAME) with it.
`;

export function register(program: Command, io: CliIo): void {
  const robot = program.command('robot').description('manage robot accounts for automation')
    .addHelpText('after', EXAMPLES);

  robot.command('add').description('add a robot and print its token once')
    .argument('<name>')
    .requiredOption('--project <project>', 'the one project it may use')
    .requiredOption('--role <role>', 'reader, publisher or maintainer', parseRole)
    .requiredOption('--expires <date>', 'expiry, e.g. 2027-06-30 or 2027-06-30T18:00:00Z')
    .option('--data <dir>', 'Moat data directory', DEFAULT_DATA_DIR)
    .action((name: string, flags: { project: string; role: Role; expires: string;
      data: string }) => withAccessStore(flags.data, ({ directory, audit }) => {
      const now = new Date();
      const expiresAt = parseExpiry(flags.expires, now);
      const token = addRobot(directory, { name, project: flags.project, role: flags.role,
        expiresAt }, now);
      io.stdout.write(`added robot/${name} (${flags.role} in ${flags.project}, expires `
        + `${expiresAt}); token (shown only now): ${token}\n`);
      recordAccountChange(audit, { actor: cliActor(io), change: 'robot add', project: flags.project,
        detail: `added robot/${name}: ${flags.role} in ${flags.project} until ${expiresAt}`,
        at: now });
    }));

  robot.command('remove').description('remove a robot; its token stops working at once')
    .argument('<name>').option('--data <dir>', 'Moat data directory', DEFAULT_DATA_DIR)
    .action((name: string, flags: { data: string }) =>
      withAccessStore(flags.data, ({ directory, audit }) => {
        if (!directory.removeRobot(name)) {
          throw new AccessError('ROBOT_UNKNOWN', `no robot ${name}: see \`moat robot list\``);
        }

        recordAccountChange(audit, { actor: cliActor(io), change: 'robot remove',
          detail: `removed robot/${name}`, at: new Date() });
        io.stdout.write(`removed robot/${name}\n`);
      }));

  robot.command('list').description('robots, their role and expiry (never their tokens)')
    .option('--data <dir>', 'Moat data directory', DEFAULT_DATA_DIR)
    .option('-f, --format <format>', 'table or json', oneOf(['table', 'json'] as const), 'table')
    .action((flags: { data: string; format: 'table' | 'json' }) =>
      withAccessStore(flags.data, ({ directory }) => {
        const robots = directory.robots();
        io.stdout.write(flags.format === 'json' ? `${JSON.stringify(robots, null, 2)}\n`
          : robots.map((r) => `robot/${r.name}\t${r.role}@${r.project}\texpires `
            + `${r.expiresAt}\n`).join(''));
      }));
}
