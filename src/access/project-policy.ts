// Per-project registry policies enforced by the server: signatures required at pull, the most
// severe vulnerability a pulled image may carry, immutable tags, scanning on push. Data only:
// the access store keeps them, the server's manifest routes enforce them.
import { createHash } from 'node:crypto';
import { parseSeverity, severities, type Severity } from '../match/severity.js';
import { parsePublicKey, publicKeyPem } from '../trust/keys.js';
import { AccessError } from './errors.js';

export interface ProjectPolicy {
  project: string;
  /** Cosign public keys (PEM `PUBLIC KEY`, normalised); a pull needs a signature by one. */
  requireSignature: string[];
  /** Pulls of images with a finding above this severity (or not scanned) are refused. */
  maxSeverity?: Severity;
  /** Tags never move to another digest and are never deleted. */
  immutableTags: boolean;
  /** Every pushed image is inventoried and matched against the advisory database. */
  scanOnPush: boolean;
  updatedAt?: string;
}

/** A change asked for on the command line; undefined fields stay as they are. */
export interface PolicyChange {
  requireSignature?: string[];
  maxSeverity?: Severity | null;
  immutableTags?: boolean;
  scanOnPush?: boolean;
}

/** Keys a policy may list: enough for key rotation, small enough to verify on every pull. */
export const MAX_POLICY_KEYS = 16;

export function emptyPolicy(project: string): ProjectPolicy {
  return { project, requireSignature: [], immutableTags: false, scanOnPush: false };
}

/** True when the policy restricts pulls at all. */
export function restrictsPulls(policy: ProjectPolicy): boolean {
  return policy.requireSignature.length > 0 || policy.maxSeverity !== undefined;
}

/**
 * Checks a PEM public key and returns it in the canonical form stored in the policy.
 * @throws TrustError `KEY_INVALID`.
 */
export function normaliseKey(pem: string): string {
  return publicKeyPem(parsePublicKey(pem));
}

/** A short, stable name for a key in messages and listings: `sha256:` of its SPKI PEM, 12 hex. */
export function keyId(pem: string): string {
  return `sha256:${createHash('sha256').update(pem).digest('hex').slice(0, 12)}`;
}

/** @throws AccessError `INVALID_SEVERITY`. */
export function checkSeverity(text: string): Severity {
  const severity = parseSeverity(text);
  if (severity === undefined) {
    throw new AccessError('INVALID_SEVERITY', `"${text.slice(0, 40)}" is not a severity: use ` +
      `one of ${severities.join(', ')}`);
  }

  return severity;
}

/** Applies a change; pure. @throws AccessError `TOO_MANY_KEYS`. */
export function applyChange(policy: ProjectPolicy, change: PolicyChange): ProjectPolicy {
  const keys = change.requireSignature ?? policy.requireSignature;
  const unique = [...new Set(keys)];
  if (unique.length > MAX_POLICY_KEYS) {
    throw new AccessError('TOO_MANY_KEYS', `a policy takes at most ${MAX_POLICY_KEYS} keys`);
  }

  const maxSeverity = change.maxSeverity === undefined ? policy.maxSeverity
    : change.maxSeverity ?? undefined;
  return {
    project: policy.project,
    requireSignature: unique,
    ...(maxSeverity === undefined ? {} : { maxSeverity }),
    immutableTags: change.immutableTags ?? policy.immutableTags,
    scanOnPush: change.scanOnPush ?? policy.scanOnPush,
  };
}

/** One line per setting, for the audit record and the CLI. */
export function describePolicy(policy: ProjectPolicy): string {
  const keys = policy.requireSignature.length === 0 ? 'no signature required'
    : `signature by ${policy.requireSignature.map(keyId).join(' or ')}`;
  return [keys, `max severity ${policy.maxSeverity ?? 'none'}`,
    `immutable tags ${policy.immutableTags ? 'on' : 'off'}`,
    `scan on push ${policy.scanOnPush ? 'on' : 'off'}`].join('; ');
}
