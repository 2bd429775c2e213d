// Enforces project policies (docs/policies.md) in the manifest routes: immutable tags on push
// and delete, required signatures and the severity ceiling on every manifest GET and HEAD, by
// tag or by digest. Every refusal is an OCI `DENIED` error naming the policy and the reason, and
// an audit-log row with who, repository, digest and reason. Deny by default: an image whose
// scan is pending or failed is refused under a severity ceiling, never waved through.
import type { KeyObject } from 'node:crypto';
import { projectOf } from '../../access/names.js';
import {
  emptyPolicy, restrictsPulls, type ProjectPolicy,
} from '../../access/project-policy.js';
import type { AuditStore } from '../../access/store/audit-store.js';
import type { PolicyStore } from '../../access/store/policy-store.js';
import { compareSeverity } from '../../match/severity.js';
import { RegistryError } from '../../registry/errors.js';
import type { ManifestRecord } from '../../registry/metadata.js';
import { parseManifestReference } from '../../registry/names.js';
import type { Registry } from '../../registry/registry.js';
import type { ScanRecord, ScanResults } from '../../registry/scan-results.js';
import { parsePublicKey } from '../../trust/keys.js';
import { childDigests, isIndex, isSignatureArtifact } from './artifacts.js';
import type { Scanner } from './scanner.js';
import { checkSignedBy } from './signatures.js';

/** Who asked, for the audit record. */
export interface Caller {
  subject?: string;
  remoteAddress?: string;
  /** The caller may push to the repository: it produces what it pulls. */
  mayPush?: boolean;
}

export interface EnforcerStores {
  registry: Registry;
  policies: PolicyStore;
  audit: AuditStore;
  scans: ScanResults;
  scanner: Scanner;
}

/** The verdict on a manifest under a severity ceiling. */
export interface SeverityVerdict {
  allowed: boolean;
  reason?: string;
}

export class PolicyEnforcer {
  private readonly keyCache = new Map<string, KeyObject>();

  constructor(private readonly stores: EnforcerStores) {}

  policyOf(repository: string): ProjectPolicy {
    const project = projectOf(repository);
    return this.stores.policies.get(project) ?? emptyPolicy(project);
  }

  /**
   * Refuses moving an immutable tag to another digest, deleting it, or deleting a manifest that
   * such a tag points at. Synchronous on purpose: the caller writes right after it without
   * yielding to the event loop, so no other request of this server slips in between.
   * @throws RegistryError DENIED (403).
   */
  checkTagWrite(caller: Caller, repository: string, reference: string,
    pushedDigest?: string): void {
    const policy = this.policyOf(repository);
    if (!policy.immutableTags) {
      return;
    }

    const ref = parseManifestReference(reference);
    const metadata = this.stores.registry.metadata;
    if (ref.kind === 'tag') {
      const current = metadata.resolveTag(repository, ref.tag);
      if (current === undefined || current === pushedDigest) {
        return;
      }

      const why = pushedDigest === undefined
        ? `tag ${ref.tag} is immutable and cannot be deleted`
        : `tag ${ref.tag} is immutable: it points at ${current} and cannot move to ${pushedDigest}`;
      this.refuse(caller, repository, current, pushedDigest === undefined ? 'delete' : 'push',
        policy, why);
    }

    if (pushedDigest === undefined) {
      const tagged = this.stores.scans.tagOf(repository, ref.digest);
      if (tagged !== undefined) {
        this.refuse(caller, repository, ref.digest, 'delete', policy,
          `manifest ${ref.digest} is tagged ${tagged}, an immutable tag, and cannot be deleted`);
      }
    }
  }

  /** Starts the scan of a pushed image in a scan-on-push project. */
  afterPush(repository: string, record: ManifestRecord): void {
    if (this.policyOf(repository).scanOnPush && !isIndex(record) && !isSignatureArtifact(record)) {
      this.stores.scanner.request(repository, record.digest);
    }
  }

  /** @throws RegistryError DENIED (403) when the project's policy refuses this pull. */
  async checkPull(caller: Caller, repository: string, record: ManifestRecord): Promise<void> {
    const policy = this.policyOf(repository);
    if (!restrictsPulls(policy) || isSignatureArtifact(record)) {
      return;
    }

    if (policy.requireSignature.length > 0) {
      const why = await this.unsigned(repository, record, this.keysOf(policy));
      if (why !== undefined && caller.mayPush === true) {
        // Signing reads the manifest it signs (cosign and moat sign GET it), so refusing
        // those who may push would make push → sign impossible; they could replace the
        // content anyway. The waiver is recorded; readers and robots stay refused.
        this.record(caller, repository, record.digest, 'allow', 200, policy,
          `${why}; allowed for signing: the caller may push to ${repository}`);
      } else if (why !== undefined) {
        this.refuse(caller, repository, record.digest, 'pull', policy, why);
      }
    }

    if (policy.maxSeverity !== undefined) {
      const verdict = this.severityVerdict(repository, record, policy, true);
      if (!verdict.allowed) {
        this.refuse(caller, repository, record.digest, 'pull', policy, verdict.reason ?? '');
      }
    }
  }

  /** The scan record of a manifest, or for an index those of its image children. */
  scanStatus(repository: string, record: ManifestRecord): object {
    const policy = this.policyOf(repository);
    const verdict = policy.maxSeverity === undefined ? undefined
      : this.severityVerdict(repository, record, policy, false);
    const policyPart = verdict === undefined ? {}
      : { policy: { maxSeverity: policy.maxSeverity, pullAllowed: verdict.allowed,
        ...(verdict.reason === undefined ? {} : { reason: verdict.reason }) } };
    if (!isIndex(record)) {
      const scan = this.stores.scans.get(repository, record.digest);
      return { repository, digest: record.digest, kind: 'manifest',
        status: scan?.status ?? 'not-scanned', ...withoutKeys(scan), ...policyPart };
    }

    const children = this.imageChildren(repository, record).map((digest) => {
      const scan = this.stores.scans.get(repository, digest);
      return { digest, status: scan?.status ?? 'not-scanned', ...withoutKeys(scan) };
    });
    const statuses = new Set(children.map((c) => c.status));
    const status = ['failed', 'not-scanned', 'pending'].find((s) => statuses.has(s)) ?? 'scanned';
    return { repository, digest: record.digest, kind: 'index', status, children, ...policyPart };
  }

  private keysOf(policy: ProjectPolicy): KeyObject[] {
    return policy.requireSignature.map((pem) => {
      let key = this.keyCache.get(pem);
      if (key === undefined) {
        key = parsePublicKey(pem);
        this.keyCache.set(pem, key);
      }

      return key;
    });
  }

  /** Why the manifest is not signed as the policy requires; undefined when it is. */
  private async unsigned(repository: string, record: ManifestRecord, keys: KeyObject[]):
    Promise<string | undefined> {
    const { registry } = this.stores;
    const own = await checkSignedBy(registry, repository, record.digest, keys);
    if (own.verified) {
      return undefined;
    }

    // A platform manifest of a signed index is covered by the index signature: cosign signs
    // the index digest of a multi-platform tag, and the index pins each child by digest.
    if (!isIndex(record)) {
      for (const parent of this.stores.scans.indexesReferencing(repository, record.digest)) {
        if ((await checkSignedBy(registry, repository, parent, keys)).verified) {
          return undefined;
        }
      }
    }

    return `${repository}@${record.digest} has ${own.reason ?? 'no valid signature'} by a ` +
      'required key' + (isIndex(record) ? '' : ', and no signed index in the repository lists it');
  }

  private severityVerdict(repository: string, record: ManifestRecord, policy: ProjectPolicy,
    startMissing: boolean): SeverityVerdict {
    const digests = isIndex(record) ? this.imageChildren(repository, record) : [record.digest];
    for (const digest of digests) {
      const scan = this.stores.scans.get(repository, digest);
      const verdict = judge(scan, policy, digest);
      if (!verdict.allowed) {
        if (scan === undefined && startMissing) {
          this.stores.scanner.request(repository, digest);
        }

        return verdict;
      }
    }

    return { allowed: true };
  }

  /** The children of an index that are images (attestation children are left out). */
  private imageChildren(repository: string, record: ManifestRecord): string[] {
    return childDigests(record).filter((digest) => {
      const child = this.stores.registry.metadata.getManifest(repository, digest);
      return child === undefined || !isSignatureArtifact(child);
    });
  }

  private refuse(caller: Caller, repository: string, digest: string | undefined, action: string,
    policy: ProjectPolicy, why: string): never {
    const reason = this.record(caller, repository, digest, 'deny', 403, policy, why, action);
    throw new RegistryError('DENIED', 403, reason);
  }

  private record(caller: Caller, repository: string, digest: string | undefined,
    decision: 'allow' | 'deny', status: number, policy: ProjectPolicy, why: string,
    action = 'pull'): string {
    const reason = `policy of project ${policy.project}: ${why}`;
    this.stores.audit.append({ at: new Date().toISOString(), event: 'policy',
      subject: caller.subject, remoteAddress: caller.remoteAddress, actions: action, repository,
      digest, decision, status, reason });
    return reason;
  }
}

function judge(scan: ScanRecord | undefined, policy: ProjectPolicy, digest: string):
  SeverityVerdict {
  const max = policy.maxSeverity ?? 'critical';
  if (scan === undefined || scan.status === 'pending') {
    return { allowed: false, reason: `${digest} is not yet scanned; max severity ${max} needs ` +
      'a finished scan (a scan has been requested; retry later)' };
  }

  if (scan.status === 'failed') {
    return { allowed: false, reason: `${digest} could not be scanned (${scan.error ?? 'unknown ' +
      'error'}); max severity ${max} refuses images it cannot check` };
  }

  const above = (scan.findings ?? []).filter((f) => compareSeverity(f.severity, max) > 0);
  const first = above[0];
  if (first === undefined) {
    return { allowed: true };
  }

  const more = above.length > 1 ? ` and ${above.length - 1} more above ${max}` : '';
  return { allowed: false, reason: `${digest} has ${first.id} (${first.severity}) in package ` +
    `${first.package} ${first.version} (${first.ecosystem}), above max severity ${max}${more}` };
}

function withoutKeys(scan: ScanRecord | undefined): Partial<ScanRecord> {
  if (scan === undefined) {
    return {};
  }

  const { repository: _repository, digest: _digest, ...rest } = scan;
  return rest;
}
