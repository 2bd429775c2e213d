// `moat user add|grant|revoke|list`: accounts and their project roles in the data dir.
import { userInfo } from 'node:os';
import type { Readable } from 'node:stream';
import { InvalidArgumentError, type Command } from 'commander';
import { recordAccountChange } from '../../access/account-audit.js';
import { AccessError } from '../../access/errors.js';
import { checkName } from '../../access/names.js';
import { isRole, ROLES, type Role } from '../../access/roles.js';
import { withAccessStore } from '../../access/store/open-store.js';
import { addUser } from '../../access/user-admin.js';
import type { CliIo } from '../io.js';
import { oneOf } from '../options.js';

const EXAMPLES = `
Examples:
  $ moat user add alice                      # prints a generated password once
  $ printf '%s\\n' "$PW" | moat user add bob --password-stdin
  $ moat user grant alice publisher payments
  $ moat user revoke alice publisher payments
  $ moat user list --format json
  $ moat user remove alice

Roles per project: reader (pull), publisher (pull, push), maintainer (pull, push, delete).
Every command takes --data DIR (default ./moat-data) and works while \`moat serve\` runs.
`;

export const DEFAULT_DATA_DIR = './moat-data';
const MAX_STDIN_LINE = 1024;

/** Who runs this command, for the audit log: the sudo caller when there is one. */
export function cliActor(io: CliIo): string {
  let name = io.env.SUDO_USER;
  try {
    name ??= userInfo().username;
  } catch {
    name ??= String(process.getuid?.() ?? 'unknown');
  }

  return `cli:${name}`;
}

export function parseRole(text: string): Role {
  if (!isRole(text)) {
    throw new InvalidArgumentError(`use one of: ${ROLES.join(', ')}`);
  }

  return text;
}

export function register(program: Command, io: CliIo): void {
  const user = program.command('user').description('manage registry users and their roles')
    .addHelpText('after', EXAMPLES);

  user.command('add').description('add a user (password from stdin, or generated and shown once)')
    .argument('<name>').option('--password-stdin', 'read the password from the first stdin line')
    .option('--data <dir>', 'Moat data directory', DEFAULT_DATA_DIR)
    .action(async (name: string, flags: { passwordStdin?: boolean; data: string }) => {
      checkName('user', name);
      const password = flags.passwordStdin === true ? await readLine(io.stdin) : undefined;
      const result = await withAccessStore(flags.data, async ({ directory, audit }) => {
        const added = await addUser(directory, name, password, new Date());
        recordAccountChange(audit, { actor: cliActor(io), change: 'user add',
          detail: `added user ${name}`, at: new Date() });
        return added;
      });
      io.stdout.write(result.generatedPassword === undefined ? `added user ${name}\n`
        : `added user ${name}; password (shown only now): ${result.generatedPassword}\n`);
    });

  for (const verb of ['grant', 'revoke'] as const) {
    user.command(verb).description(`${verb} a role in a project`)
      .argument('<name>').argument('<role>', ROLES.join('|'), parseRole).argument('<project>')
      .option('--data <dir>', 'Moat data directory', DEFAULT_DATA_DIR)
      .action((name: string, role: Role, project: string, flags: { data: string }) =>
        withAccessStore(flags.data, ({ directory, audit }) => {
          let detail: string;
          if (verb === 'grant') {
            directory.grant(name, role, project);
            detail = `granted ${role} in ${project} to ${name}`;
          } else if (directory.revoke(name, role, project)) {
            detail = `revoked ${role} in ${project} from ${name}`;
          } else {
            throw new AccessError('NO_SUCH_GRANT', `${name} has no ${role} role in ${project}`);
          }

          recordAccountChange(audit, { actor: cliActor(io), change: `user ${verb}`, detail,
            project, at: new Date() });
          io.stdout.write(`${detail}\n`);
        }));
  }

  user.command('remove').description('remove a user and its grants')
    .argument('<name>').option('--data <dir>', 'Moat data directory', DEFAULT_DATA_DIR)
    .action((name: string, flags: { data: string }) =>
      withAccessStore(flags.data, ({ directory, audit }) => {
        if (!directory.removeUser(name)) {
          throw new AccessError('USER_UNKNOWN', `no user ${name}: see \`moat user list\``);
        }

        recordAccountChange(audit, { actor: cliActor(io), change: 'user remove',
          detail: `removed user ${name}`, at: new Date() });
        io.stdout.write(`removed user ${name}\n`);
      }));

  user.command('list').description('users, admin flag and grants')
    .option('--data <dir>', 'Moat data directory', DEFAULT_DATA_DIR)
    .option('-f, --format <format>', 'table or json', oneOf(['table', 'json'] as const), 'table')
    .action((flags: { data: string; format: 'table' | 'json' }) =>
      withAccessStore(flags.data, ({ directory }) => {
        const users = directory.users();
        io.stdout.write(flags.format === 'json' ? `${JSON.stringify(users, null, 2)}\n`
          : users.map((u) => `${u.name}${u.admin ? ' (admin)' : ''}\t${u.grants
            .map((g) => `${g.role}@${g.project}`).join(', ') || '-'}\n`).join(''));
      }));
}

/**
 * Reads one line of at most MAX_STDIN_LINE bytes; the trailing newline is dropped.
 * @throws AccessError `PASSWORD_INPUT` when stdin is empty or the line is too long.
 */
async function readLine(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(buffer);
    size += buffer.length;
    if (buffer.includes(0x0a) || size > MAX_STDIN_LINE + 2) {
      break;
    }
  }

  const line = Buffer.concat(chunks).toString('utf8').split('\n')[0]?.replace(/\r$/, '') ?? '';
  if (line === '' || Buffer.byteLength(line) > MAX_STDIN_LINE) {
    throw new AccessError('PASSWORD_INPUT', `--password-stdin needs one line of 1 to `
      + `${MAX_STDIN_LINE} bytes on stdin`);
  }

  return line;
}
