// The keyless mode of `moat verify`: flags → identity policy and offline trust material →
// verifyImageKeyless → report. The checks themselves live in src/trust/.
import { open } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import type { RegistryWriter } from '../../image/registry/push.js';
import {
  MAX_BUNDLE_BYTES,
  MAX_TRUSTED_ROOT_BYTES,
  loadTrustedRoot,
  type IdentityPolicy,
} from '../../trust/keyless.js';
import { verifyImageKeyless, type KeylessOutcome } from '../../trust/verify-keyless.js';
import type { CliIo } from '../io.js';
import { PolicyFailure } from '../main.js';

export interface KeylessFlags {
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  trustedRoot?: string;
  bundle?: string;
  format: 'text' | 'json';
}

/** True when any keyless flag is given. */
export function wantsKeyless(flags: KeylessFlags): boolean {
  return [flags.certificateIdentity, flags.certificateIdentityRegexp,
    flags.certificateOidcIssuer, flags.trustedRoot, flags.bundle].some((f) => f !== undefined);
}

/**
 * Verifies the image `store.reference` names with keyless bundles.
 * @throws UsageError for missing or conflicting flags and unreadable files; TrustError
 *   `TRUST_ROOT_INVALID`; ImageError `NOT_FOUND`; RegistryError; PolicyFailure (exit 1).
 */
export async function verifyKeyless(
  io: CliIo,
  store: RegistryWriter,
  flags: KeylessFlags,
): Promise<void> {
  const policy = identityPolicy(flags);
  if (flags.trustedRoot === undefined) {
    throw new UsageError('keyless verification needs --trusted-root FILE (a Sigstore ' +
      'trusted_root.json)');
  }

  const trust = loadTrustedRoot(await readCapped(flags.trustedRoot, MAX_TRUSTED_ROOT_BYTES,
    '--trusted-root'));
  const bundleFile = flags.bundle === undefined ? undefined
    : await readCapped(flags.bundle, MAX_BUNDLE_BYTES, '--bundle');
  const { tag, digest } = store.reference;
  const target = digest === undefined ? { ...(tag === undefined ? {} : { tag }) } : { digest };
  const outcome = await verifyImageKeyless(store, target, {
    trust,
    policy,
    ...(bundleFile === undefined ? {} : { bundleFile }),
  });

  if (flags.format === 'json') {
    io.stdout.write(`${JSON.stringify({ repository: store.repositoryName, ...outcome })}\n`);
  } else {
    io.stdout.write(describe(store.repositoryName, outcome));
  }

  if (!outcome.verified) {
    throw new PolicyFailure(`no valid keyless signature for ${store.repositoryName}@` +
      outcome.digest);
  }
}

function identityPolicy(flags: KeylessFlags): IdentityPolicy {
  const { certificateIdentity: identity, certificateIdentityRegexp: pattern } = flags;
  if ((identity === undefined) === (pattern === undefined)) {
    throw new UsageError('keyless verification needs exactly one of --certificate-identity ' +
      'and --certificate-identity-regexp');
  }

  const issuer = flags.certificateOidcIssuer;
  if (issuer === undefined || issuer === '') {
    throw new UsageError('keyless verification needs --certificate-oidc-issuer URL');
  }

  if (identity !== undefined) {
    return { identity, issuer };
  }

  try {
    return { identityPattern: new RegExp(pattern ?? ''), issuer };
  } catch (err) {
    throw new UsageError(`--certificate-identity-regexp ${pattern ?? ''} is not a valid ` +
      `regular expression: ${(err as Error).message}`, { cause: err });
  }
}

// Reads a whole file, refusing one over `maxBytes`; at most one byte more is ever read, so a
// device or a growing file cannot exhaust memory.
async function readCapped(path: string, maxBytes: number, flag: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const handle = await open(path, 'r');
    for await (const chunk of handle.createReadStream({ end: maxBytes })) {
      chunks.push(chunk as Buffer);
      total += (chunk as Buffer).length;
    }
  } catch (err) {
    throw new UsageError(`cannot read ${flag} ${path}: ` +
      `${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }

  if (total > maxBytes) {
    throw new UsageError(`${flag} ${path} is over ${maxBytes} bytes`);
  }

  return Buffer.concat(chunks);
}

function describe(repository: string, outcome: KeylessOutcome): string {
  const head = outcome.verified
    ? `Verified ${repository}@${outcome.digest}\n`
    : `No valid keyless signature for ${repository}@${outcome.digest}\n`;
  if (outcome.bundles.length === 0) {
    return `${head}  no Sigstore bundles found\n`;
  }

  const lines = outcome.bundles.map((b) => {
    const who = b.identity === undefined ? '' : ` ${b.identity} (${b.issuer ?? 'no issuer'})`;
    return `  ${b.verified ? 'ok  ' : 'fail'} ${b.source}${who}` +
      (b.verified ? '' : `: ${b.reason ?? ''}`);
  });
  return `${head}${lines.join('\n')}\n`;
}
