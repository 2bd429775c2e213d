// `moat attest`: attaches a signed in-toto attestation (DSSE) to an image in its registry,
// as `cosign attest` does: the image's CycloneDX SBOM, or a scan result given as a file.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { ImageError } from '../../image/errors.js';
import { openRegistryWriter } from '../../image/registry/push.js';
import { buildInventory } from '../../pipeline/inventory.js';
import { formatInventory } from '../../report/index.js';
import { PREDICATE_TYPES, attestImage } from '../../trust/attest-image.js';
import { decryptPrivateKey } from '../../trust/keys.js';
import type { CliIo } from '../io.js';
import { toolVersion } from '../version.js';
import { readKeyFile } from './sign.js';

const MAX_PREDICATE_BYTES = 64 * 1024 * 1024;

const EXAMPLES = `
--type sbom inventories the image (pinned to the digest the reference resolves to) and
attests its CycloneDX SBOM. --type vuln attests a scan result given with --predicate, e.g.
the output of \`moat scan IMAGE --format json\`. The key's password is read from
COSIGN_PASSWORD. The attestation is stored under the tag sha256-<hex>.att and as a referrer.

Examples:
  $ moat attest registry.bank.example/payments/ledger:1.4 --type sbom --key cosign.key
  $ moat scan registry.bank.example/payments/ledger:1.4 --format json > scan.json
  $ moat attest registry.bank.example/payments/ledger:1.4 --type vuln --predicate scan.json \\
      --key cosign.key
`;

interface AttestFlags {
  type: keyof typeof PREDICATE_TYPES;
  key: string;
  predicate?: string;
  insecure?: boolean;
  authfile?: string;
  format: 'text' | 'json';
}

export function register(program: Command, io: CliIo): void {
  program
    .command('attest')
    .description('attach a signed SBOM or scan attestation (in-toto, DSSE) to an image')
    .argument('<reference>', 'HOST/REPO:TAG or HOST/REPO@DIGEST')
    .addOption(new Option('--type <type>', 'what to attest').choices(['sbom', 'vuln'])
      .makeOptionMandatory())
    .requiredOption('--key <file>', 'encrypted private key (cosign.key)')
    .option('--predicate <file>', 'the scan result to attest (JSON), for --type vuln')
    .option('--insecure', 'allow plain HTTP to registries that are not on loopback')
    .option('--authfile <file>', 'registry credentials (containers auth.json or Docker config)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addHelpText('after', EXAMPLES)
    .action((reference: string, flags: AttestFlags) => attest(io, reference, flags));
}

async function attest(io: CliIo, reference: string, flags: AttestFlags): Promise<void> {
  const password = io.env.COSIGN_PASSWORD;
  if (password === undefined) {
    throw new UsageError('set COSIGN_PASSWORD to the private key\'s password ' +
      '(COSIGN_PASSWORD= for an empty one)');
  }

  if ((flags.type === 'vuln') !== (flags.predicate !== undefined)) {
    throw new UsageError('--predicate FILE is required with --type vuln and not allowed ' +
      'with --type sbom');
  }

  const privateKey = decryptPrivateKey(await readKeyFile(flags.key), password);
  const access = {
    env: io.env,
    ...(flags.insecure === true ? { insecure: true } : {}),
    ...(flags.authfile === undefined ? {} : { authFile: flags.authfile }),
  };
  const store = openRegistryWriter(reference, access);
  const { tag, digest } = store.reference;
  const subject = await store.getManifest(digest === undefined ? { tag: tag ?? 'latest' }
    : { digest });
  if (subject === undefined) {
    throw new ImageError('NOT_FOUND', `no image ${reference}; push it before attesting`);
  }

  const pinned = `${store.reference.registry}/${store.reference.repository}@` +
    subject.descriptor.digest;
  const predicate = flags.type === 'sbom'
    ? await sbomPredicate(io, pinned, access)
    : await vulnPredicate(flags.predicate ?? '');
  const outcome = await attestImage(store, subject.descriptor, privateKey,
    PREDICATE_TYPES[flags.type], predicate);

  if (flags.format === 'json') {
    io.stdout.write(`${JSON.stringify({ repository: store.repositoryName, ...outcome })}\n`);
    return;
  }

  io.stdout.write(`Attested ${flags.type} for ${store.repositoryName}@${outcome.digest}\n` +
    `  attestation tag: ${outcome.attestationTag}\n  referrer:        ${outcome.referrer}\n`);
}

async function sbomPredicate(
  io: CliIo,
  pinned: string,
  access: { env: NodeJS.ProcessEnv; insecure?: boolean; authFile?: string },
): Promise<unknown> {
  const inventory = await buildInventory(pinned, access);
  for (const warning of inventory.warnings) {
    io.log.warn({ code: warning.code, path: warning.path }, warning.message);
  }

  const text = formatInventory(inventory, 'cyclonedx', {
    colour: false,
    now: new Date(),
    toolVersion: toolVersion(),
    uuid: randomUUID(),
  });
  return JSON.parse(text) as unknown;
}

// cosign's vuln predicate: the scanner's own result wrapped with who produced it and when.
async function vulnPredicate(file: string): Promise<unknown> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (err) {
    throw new UsageError(`cannot read --predicate ${file}; check the path`, { cause: err });
  }

  if (text.length > MAX_PREDICATE_BYTES) {
    throw new UsageError(`--predicate ${file} is over ${MAX_PREDICATE_BYTES} bytes`);
  }

  let result: unknown;
  try {
    result = JSON.parse(text.toString('utf8'));
  } catch (err) {
    throw new UsageError(`--predicate ${file} is not JSON`, { cause: err });
  }

  const now = new Date().toISOString();
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: { uri: 'moat', version: toolVersion(), result },
    metadata: { scanStartedOn: now, scanFinishedOn: now },
  };
}
