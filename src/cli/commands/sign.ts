// `moat sign`: signs an image's manifest digest in its registry as cosign does (`.sig` tag
// with simple-signing payloads) and attaches the signature through the referrers API.
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { openRegistryWriter } from '../../image/registry/push.js';
import { decryptPrivateKey } from '../../trust/keys.js';
import { signImage } from '../../trust/sign-image.js';
import type { CliIo } from '../io.js';

const EXAMPLES = `
The reference is resolved to its manifest digest first; that digest is what is signed.
The private key's password is read from COSIGN_PASSWORD. Registry credentials come from
the containers auth file or Docker config, as for pulls.

Examples:
  $ COSIGN_PASSWORD='…' moat sign registry.bank.example/payments/ledger:1.4 --key cosign.key
  $ moat sign 127.0.0.1:5000/app@sha256:… --key cosign.key -a build=1234 --format json
`;

const MAX_KEY_FILE_BYTES = 64 * 1024;

interface SignFlags {
  key: string;
  annotation?: string[];
  insecure?: boolean;
  authfile?: string;
  format: 'text' | 'json';
}

export function register(program: Command, io: CliIo): void {
  program
    .command('sign')
    .description('sign an image in its registry with a cosign key')
    .argument('<reference>', 'HOST/REPO:TAG or HOST/REPO@DIGEST')
    .requiredOption('--key <file>', 'encrypted private key (cosign.key)')
    .option('-a, --annotation <key=value...>', 'extra claims in the payload\'s "optional"')
    .option('--insecure', 'allow plain HTTP to registries that are not on loopback')
    .option('--authfile <file>', 'registry credentials (containers auth.json or Docker config)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addHelpText('after', EXAMPLES)
    .action((reference: string, flags: SignFlags) => sign(io, reference, flags));
}

async function sign(io: CliIo, reference: string, flags: SignFlags): Promise<void> {
  const password = io.env.COSIGN_PASSWORD;
  if (password === undefined) {
    throw new UsageError('set COSIGN_PASSWORD to the private key\'s password ' +
      '(COSIGN_PASSWORD= for an empty one)');
  }

  const annotations = parseAnnotations(flags.annotation ?? []);
  const privateKey = decryptPrivateKey(await readKeyFile(flags.key), password);
  const store = openRegistryWriter(reference, {
    env: io.env,
    ...(flags.insecure === true ? { insecure: true } : {}),
    ...(flags.authfile === undefined ? {} : { authFile: flags.authfile }),
  });
  const { tag, digest } = store.reference;
  const target = digest === undefined ? { ...(tag === undefined ? {} : { tag }) } : { digest };
  const outcome = await signImage(store, target, privateKey, annotations);
  io.log.info({ digest: outcome.digest, referrer: outcome.referrer }, 'image signed');

  if (flags.format === 'json') {
    io.stdout.write(`${JSON.stringify({ repository: store.repositoryName, ...outcome })}\n`);
    return;
  }

  const note = outcome.referrerIndexed ? '' : ' (the registry has no referrers API)';
  io.stdout.write(`Signed ${store.repositoryName}@${outcome.digest}\n` +
    `  signature tag: ${outcome.signatureTag}${outcome.alreadySigned ? ' (unchanged)' : ''}\n` +
    `  referrer:      ${outcome.referrer}${note}\n`);
}

/** Reads a key file with a size cap. */
export async function readKeyFile(path: string): Promise<string> {
  let text: Buffer;
  try {
    text = await readFile(path);
  } catch (err) {
    throw new UsageError(`cannot read the key file ${path}: ` +
      `${(err as NodeJS.ErrnoException).code ?? 'error'}; check the --key path`, { cause: err });
  }

  if (text.length > MAX_KEY_FILE_BYTES) {
    throw new UsageError(`${path} is over ${MAX_KEY_FILE_BYTES} bytes; it is not a key file`);
  }

  return text.toString('utf8');
}

function parseAnnotations(pairs: string[]): Record<string, string> | null {
  if (pairs.length === 0) {
    return null;
  }

  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`annotation "${pair}" must be key=value`);
    }

    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }

  return out;
}
