// `moat verify-attestation`: exits 0 only when an in-toto attestation signed by the given
// public key is about the exact manifest digest the reference resolves to (and, with --type,
// of that predicate type); 1 when none is.
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { openRegistryWriter } from '../../image/registry/push.js';
import { PREDICATE_TYPES } from '../../trust/attest-image.js';
import { parsePublicKey } from '../../trust/keys.js';
import {
  verifyAttestations,
  type AttestationOutcome,
} from '../../trust/verify-attestation.js';
import type { CliIo } from '../io.js';
import { PolicyFailure } from '../main.js';
import { readKeyFile } from './sign.js';

const EXAMPLES = `
Attestations are looked up under the cosign tag sha256-<hex>.att and through the referrers
API. --type takes sbom, vuln or a predicate type URI; without it any type counts. With
--format json the verified statements (subject, predicateType, predicate) are printed.
Exit status: 0 verified, 1 no valid attestation for this digest and type, 2 error.

Examples:
  $ moat verify-attestation registry.bank.example/payments/ledger:1.4 --key cosign.pub \\
      --type sbom
  $ moat verify-attestation 127.0.0.1:5000/app@sha256:… --key cosign.pub --type vuln \\
      --format json
`;

interface VerifyAttestationFlags {
  key: string;
  type?: string;
  insecure?: boolean;
  authfile?: string;
  format: 'text' | 'json';
}

export function register(program: Command, io: CliIo): void {
  program
    .command('verify-attestation')
    .description('verify an image\'s signed in-toto attestations with a public key')
    .argument('<reference>', 'HOST/REPO:TAG or HOST/REPO@DIGEST')
    .requiredOption('--key <file>', 'public key (cosign.pub)')
    .option('--type <type>', 'predicate type: sbom, vuln or a URI')
    .option('--insecure', 'allow plain HTTP to registries that are not on loopback')
    .option('--authfile <file>', 'registry credentials (containers auth.json or Docker config)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addHelpText('after', EXAMPLES)
    .action((reference: string, flags: VerifyAttestationFlags) =>
      verifyAttestation(io, reference, flags));
}

/** `sbom`/`vuln` → the type `moat attest` writes; a URI as given. */
export function predicateTypeOf(type: string): string {
  if (type === 'sbom' || type === 'vuln') {
    return PREDICATE_TYPES[type];
  }

  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(type)) {
    throw new UsageError(`--type ${type} is neither sbom, vuln nor a predicate type URI`);
  }

  return type;
}

async function verifyAttestation(
  io: CliIo,
  reference: string,
  flags: VerifyAttestationFlags,
): Promise<void> {
  const predicateType = flags.type === undefined ? undefined : predicateTypeOf(flags.type);
  const publicKey = parsePublicKey(await readKeyFile(flags.key));
  const store = openRegistryWriter(reference, {
    env: io.env,
    ...(flags.insecure === true ? { insecure: true } : {}),
    ...(flags.authfile === undefined ? {} : { authFile: flags.authfile }),
  });
  const { tag, digest } = store.reference;
  const target = digest === undefined ? { ...(tag === undefined ? {} : { tag }) } : { digest };
  const outcome = await verifyAttestations(store, target, publicKey, predicateType);

  if (flags.format === 'json') {
    const statements = outcome.attestations.flatMap((a) => a.statement ?? []);
    const attestations = outcome.attestations.map(({ statement: _, ...check }) => check);
    io.stdout.write(`${JSON.stringify({ repository: store.repositoryName,
      digest: outcome.digest, verified: outcome.verified, attestations, statements })}\n`);
  } else {
    io.stdout.write(describe(store.repositoryName, outcome));
  }

  if (!outcome.verified) {
    throw new PolicyFailure(`no valid attestation${predicateType === undefined ? ''
      : ` of type ${predicateType}`} for ${store.repositoryName}@${outcome.digest}`);
  }
}

function describe(repository: string, outcome: AttestationOutcome): string {
  const head = outcome.verified
    ? `Verified attestations for ${repository}@${outcome.digest}\n`
    : `No valid attestation for ${repository}@${outcome.digest}\n`;
  if (outcome.attestations.length === 0) {
    return `${head}  no attestations found\n`;
  }

  const lines = outcome.attestations.map((a) =>
    `  ${a.verified ? 'ok  ' : 'fail'} ${a.envelopeDigest} ${a.predicateType ?? ''} ` +
      `(${a.source})${a.verified ? '' : `: ${a.reason ?? ''}`}`);
  return `${head}${lines.join('\n')}\n`;
}
