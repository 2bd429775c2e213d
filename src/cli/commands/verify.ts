// `moat verify`: exits 0 only when a signature covers the exact manifest digest the
// reference resolves to, 1 when none does. Two modes: a cosign public key (--key), or
// keyless Sigstore bundles checked against an identity, an OIDC issuer and a trusted root.
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { openRegistryWriter, type RegistryWriter } from '../../image/registry/push.js';
import { parsePublicKey } from '../../trust/keys.js';
import { verifyImage, type VerifyOutcome } from '../../trust/verify-image.js';
import type { CliIo } from '../io.js';
import { PolicyFailure } from '../main.js';
import { readKeyFile } from './sign.js';
import { verifyKeyless, wantsKeyless, type KeylessFlags } from './verify-keyless.js';

const EXAMPLES = `
With --key, cosign signatures are looked up under the tag sha256-<hex>.sig and through the
referrers API. Keyless, Sigstore bundles are looked up as referrers of artifact type
application/vnd.dev.sigstore.bundle.v0.3+json (or the sha256-<hex> referrers tag), or read
from --bundle; the trusted root is a local trusted_root.json, never fetched.
Exit status: 0 verified, 1 no valid signature for this digest, 2 error.

Examples:
  $ moat verify registry.bank.example/payments/ledger:1.4 --key cosign.pub
  $ moat verify 127.0.0.1:5000/app@sha256:… --key cosign.pub --format json
  $ moat verify registry.bank.example/payments/ledger:1.4 \\
      --certificate-identity release@bank.example \\
      --certificate-oidc-issuer https://login.bank.example \\
      --trusted-root trusted_root.json
  $ moat verify registry.bank.example/payments/ledger@sha256:… \\
      --certificate-identity-regexp '^https://github\\.com/bank/ledger/' \\
      --certificate-oidc-issuer https://token.actions.githubusercontent.com \\
      --trusted-root trusted_root.json --bundle ledger.sigstore.json --format json
`;

interface VerifyFlags extends KeylessFlags {
  key?: string;
  insecure?: boolean;
  authfile?: string;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('verify')
    .description('verify an image\'s signatures with a cosign key or keyless Sigstore bundles')
    .argument('<reference>', 'HOST/REPO:TAG or HOST/REPO@DIGEST')
    .option('--key <file>', 'public key (cosign.pub)')
    .option('--certificate-identity <id>', 'keyless: the signer\'s certificate SAN, exactly')
    .option('--certificate-identity-regexp <re>', 'keyless: a pattern the SAN must match')
    .option('--certificate-oidc-issuer <url>', 'keyless: the OIDC issuer in the certificate')
    .option('--trusted-root <file>', 'keyless: Sigstore trusted_root.json (CAs and logs)')
    .option('--bundle <file>', 'keyless: check this bundle file instead of the referrers')
    .option('--insecure', 'allow plain HTTP to registries that are not on loopback')
    .option('--authfile <file>', 'registry credentials (containers auth.json or Docker config)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addHelpText('after', EXAMPLES)
    .action((reference: string, flags: VerifyFlags) => verify(io, reference, flags));
}

async function verify(io: CliIo, reference: string, flags: VerifyFlags): Promise<void> {
  const keyless = wantsKeyless(flags);
  if (keyless === (flags.key !== undefined)) {
    throw new UsageError(keyless
      ? '--key and the keyless flags (--certificate-*, --trusted-root, --bundle) exclude ' +
        'each other; choose one mode'
      : 'give --key FILE, or --certificate-identity(-regexp), --certificate-oidc-issuer and ' +
        '--trusted-root for keyless bundles');
  }

  const store = openRegistryWriter(reference, {
    env: io.env,
    ...(flags.insecure === true ? { insecure: true } : {}),
    ...(flags.authfile === undefined ? {} : { authFile: flags.authfile }),
  });
  if (flags.key === undefined) {
    return verifyKeyless(io, store, flags);
  }

  return verifyWithKey(io, store, flags.key, flags.format);
}

async function verifyWithKey(
  io: CliIo,
  store: RegistryWriter,
  keyFile: string,
  format: 'text' | 'json',
): Promise<void> {
  const publicKey = parsePublicKey(await readKeyFile(keyFile));
  const { tag, digest } = store.reference;
  const target = digest === undefined ? { ...(tag === undefined ? {} : { tag }) } : { digest };
  const outcome = await verifyImage(store, target, publicKey);

  if (format === 'json') {
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
