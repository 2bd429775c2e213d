// `moat verify`: exits 0 only when a signature by the given public key covers the exact
// manifest digest the reference resolves to; 1 when none does.
import { Option, type Command } from 'commander';
import { openRegistryWriter } from '../../image/registry/push.js';
import { parsePublicKey } from '../../trust/keys.js';
import { verifyImage, type VerifyOutcome } from '../../trust/verify-image.js';
import type { CliIo } from '../io.js';
import { PolicyFailure } from '../main.js';
import { readKeyFile } from './sign.js';

const EXAMPLES = `
Signatures are looked up under the cosign tag sha256-<hex>.sig and through the referrers
API. Exit status: 0 verified, 1 no valid signature for this digest, 2 error.

Examples:
  $ moat verify registry.bank.example/payments/ledger:1.4 --key cosign.pub
  $ moat verify 127.0.0.1:5000/app@sha256:… --key cosign.pub --format json
`;

interface VerifyFlags {
  key: string;
  insecure?: boolean;
  authfile?: string;
  format: 'text' | 'json';
}

export function register(program: Command, io: CliIo): void {
  program
    .command('verify')
    .description('verify an image\'s cosign signatures with a public key')
    .argument('<reference>', 'HOST/REPO:TAG or HOST/REPO@DIGEST')
    .requiredOption('--key <file>', 'public key (cosign.pub)')
    .option('--insecure', 'allow plain HTTP to registries that are not on loopback')
    .option('--authfile <file>', 'registry credentials (containers auth.json or Docker config)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addHelpText('after', EXAMPLES)
    .action((reference: string, flags: VerifyFlags) => verify(io, reference, flags));
}

async function verify(io: CliIo, reference: string, flags: VerifyFlags): Promise<void> {
  const publicKey = parsePublicKey(await readKeyFile(flags.key));
  const store = openRegistryWriter(reference, {
    env: io.env,
    ...(flags.insecure === true ? { insecure: true } : {}),
    ...(flags.authfile === undefined ? {} : { authFile: flags.authfile }),
  });
  const { tag, digest } = store.reference;
  const target = digest === undefined ? { ...(tag === undefined ? {} : { tag }) } : { digest };
  const outcome = await verifyImage(store, target, publicKey);

  if (flags.format === 'json') {
    io.stdout.write(`${JSON.stringify({ repository: store.repositoryName, ...outcome })}\n`);
  } else {
    io.stdout.write(describe(store.repositoryName, outcome));
  }

  if (!outcome.verified) {
    throw new PolicyFailure(`no valid signature for ${store.repositoryName}@${outcome.digest}`);
  }
}

function describe(repository: string, outcome: VerifyOutcome): string {
  const head = outcome.verified
    ? `Verified ${repository}@${outcome.digest}\n`
    : `No valid signature for ${repository}@${outcome.digest}\n`;
  if (outcome.signatures.length === 0) {
    return `${head}  no signatures found\n`;
  }

  const lines = outcome.signatures.map((s) =>
    `  ${s.verified ? 'ok  ' : 'fail'} ${s.payloadDigest} (${s.source})` +
      (s.verified ? '' : `: ${s.reason ?? ''}`));
  return `${head}${lines.join('\n')}\n`;
}
