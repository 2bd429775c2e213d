// Scan on push: each pushed image manifest is inventoried straight from the registry's stores
// and matched against the advisory database; the result is kept per repository and digest.
// Scans run one at a time after the push has been answered (as Harbor does); until a scan has
// finished its manifest reads as `pending`, which a max-severity policy refuses.
import { advisoryDbPath } from '../../advisories/cache-dir.js';
import type { Logger } from '../../log.js';
import type { Finding } from '../../match/finding.js';
import { matchInventory } from '../../match/match.js';
import { compareSeverity, type Severity } from '../../match/severity.js';
import { inventoryOfImage } from '../../pipeline/inventory.js';
import type { Registry } from '../../registry/registry.js';
import type { ScanResults, StoredFinding } from '../../registry/scan-results.js';
import { StoreImageSource } from '../../registry/store-image-source.js';
import { openAdvisoryStore } from '../../store/sqlite/advisory-store.js';
import { getScheme } from '../../versions/registry.js';

// Limitation: results are not refreshed when the advisory database changes; a manifest keeps
// the verdict of the database it was scanned with until it is pushed again after a failure.
export class Scanner {
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly registry: Registry,
    private readonly results: ScanResults,
    private readonly cacheDir: string,
    private readonly logger: Logger,
  ) {}

  /** Queues a scan unless one is pending or done; the record reads `pending` at once. */
  request(repository: string, digest: string): void {
    if (this.results.markPending(repository, digest)) {
      this.enqueue(repository, digest);
    }
  }

  /** Queues the scans a previous run left pending. */
  resume(): void {
    for (const { repository, digest } of this.results.pending()) {
      this.enqueue(repository, digest);
    }
  }

  /** Waits for the scan running now; queued ones stay pending for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }

  private enqueue(repository: string, digest: string): void {
    this.queue = this.queue.then(() => this.closed ? undefined : this.scan(repository, digest));
  }

  private async scan(repository: string, digest: string): Promise<void> {
    try {
      const findings = await this.findingsOf(repository, digest);
      this.results.finish(repository, digest, summarise(findings));
      this.logger.info({ repository, digest, findings: findings.length }, 'image scanned');
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.logger.warn({ repository, digest, error }, 'image could not be scanned');
      try {
        this.results.finish(repository, digest, { error });
      } catch (storeErr) {
        this.logger.error({ err: storeErr }, 'scan result not stored');
      }
    }
  }

  private async findingsOf(repository: string, digest: string): Promise<Finding[]> {
    const source = new StoreImageSource(this.registry, repository, digest);
    try {
      const image = await source.resolve();
      const inventory = await inventoryOfImage(source, image, `${repository}@${digest}`);
      const advisories = openAdvisoryStore(advisoryDbPath(this.cacheDir), 'read');
      try {
        return matchInventory(inventory, advisories, { schemeFor: getScheme }).findings;
      } finally {
        advisories.close();
      }
    } finally {
      await source.close();
    }
  }
}

function summarise(findings: Finding[]):
  { counts: Partial<Record<Severity, number>>; findings: StoredFinding[] } {
  const counts: Partial<Record<Severity, number>> = {};
  for (const finding of findings) {
    counts[finding.severity] = (counts[finding.severity] ?? 0) + 1;
  }

  const stored = [...findings].sort((a, b) => compareSeverity(b.severity, a.severity))
    .map((f) => ({ id: f.vulnerability.id, severity: f.severity, package: f.package.name,
      version: f.package.version, ecosystem: f.package.ecosystem,
      fixedVersions: f.fixedVersions.slice(0, 8) }));
  return { counts, findings: stored };
}
