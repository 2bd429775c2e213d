// `moat key generate`: writes an ECDSA P-256 key pair in cosign's formats, so keys work with
// both Moat and cosign: `PREFIX.key` (encrypted, 0600) and `PREFIX.pub` (PEM SPKI).
import { randomBytes } from 'node:crypto';
import { link, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { TrustError } from '../../trust/errors.js';
import {
  encryptPrivateKey,
  generateKeyPair,
  privateKeyDer,
  publicKeyPem,
} from '../../trust/keys.js';
import type { CliIo } from '../io.js';

const EXAMPLES = `
The private key is encrypted with the password in COSIGN_PASSWORD (an empty value means an
empty password, as with cosign). Existing files are kept unless --force is given.

Examples:
  $ COSIGN_PASSWORD='…' moat key generate
  Private key written to cosign.key
  Public key written to cosign.pub
  $ COSIGN_PASSWORD='…' moat key generate --output-prefix keys/release --force
`;

interface GenerateFlags {
  outputPrefix: string;
  force?: boolean;
}

export function register(program: Command, io: CliIo): void {
  const key = program.command('key').description('manage signing keys (cosign formats)');
  key
    .command('generate')
    .description('generate an ECDSA P-256 key pair: PREFIX.key (encrypted) and PREFIX.pub')
    .option('--output-prefix <prefix>', 'path prefix of the two files', 'cosign')
    .option('--force', 'overwrite existing key files')
    .addHelpText('after', EXAMPLES)
    .action((flags: GenerateFlags) => generate(io, flags));
}

async function generate(io: CliIo, flags: GenerateFlags): Promise<void> {
  const password = io.env.COSIGN_PASSWORD;
  if (password === undefined) {
    throw new UsageError('set COSIGN_PASSWORD to the password for the private key ' +
      '(COSIGN_PASSWORD= for an empty one)');
  }

  const pair = generateKeyPair();
  const keyPath = `${flags.outputPrefix}.key`;
  const pubPath = `${flags.outputPrefix}.pub`;
  await writeKeyFile(keyPath, encryptPrivateKey(privateKeyDer(pair.privateKey), password),
    0o600, flags.force === true);
  await writeKeyFile(pubPath, publicKeyPem(pair.publicKey), 0o644, flags.force === true);
  io.stderr.write(`Private key written to ${keyPath}\nPublic key written to ${pubPath}\n`);
}

// Temp file + fsync, then link (fails if the name exists) or rename (--force): a reader never
// sees a half-written key, and an existing key is never replaced by accident.
async function writeKeyFile(path: string, text: string, mode: number, force: boolean) {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temp, text, { flag: 'wx', mode, flush: true });
  try {
    if (force) {
      await rm(path, { force: true });
    }

    await link(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new TrustError('KEY_EXISTS', `${path} already exists; pass --force to replace it ` +
        'or choose another --output-prefix', { cause: err });
    }

    throw err;
  } finally {
    await rm(temp, { force: true });
  }
}
