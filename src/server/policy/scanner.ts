// Scan on push: each pushed image manifest is inventoried straight from the registry's stores
// and matched against the advisory database; the result is kept per repository and digest.
// Scans run one at a time after the push has been answered (as Harbor does); until a scan has
// finished its manifest reads as `pending`, which a max-severity policy refuses.
// When the advisory database changes (`moat db import` or `update`, seen by its revision), every
// finished scan is matched again from its stored inventory, without reading layers, so a new
// advisory reaches pull decisions within one interval; until then the previous verdict stands.
// A failed scan is tried again, from the layers, once per new revision (or once a database
// exists at all).
import { advisoryDbPath } from '../../advisories/cache-dir.js';
import type { AdvisoryStore } from '../../advisories/store.js';
import type { Inventory } from '../../inventory/model.js';
import type { Logger } from '../../log.js';
import type { Finding } from '../../match/finding.js';
import { AdvisoryMatcher } from '../../match/matcher.js';
import { compareSeverity, type Severity } from '../../match/severity.js';
import { inventoryOfImage } from '../../pipeline/inventory.js';
import type { Registry } from '../../registry/registry.js';
import type { ScanOutcome, ScanResults, StoredFinding } from '../../registry/scan-results.js';
import { StoreImageSource } from '../../registry/store-image-source.js';
import { openAdvisoryStore } from '../../store/sqlite/advisory-store.js';
import { getScheme } from '../../versions/registry.js';

export interface ScannerOptions {
  /** How often the advisory database is checked for a new revision (default 60 s); 0 never. */
  rematchIntervalMs?: number;
}

/** Scans matched again per round; the next round takes the rest. */
const REMATCH_BATCH = 200;
const DEFAULT_REMATCH_MS = 60_000;

export class Scanner {
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private rematching = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly matcher = new AdvisoryMatcher({ schemeFor: getScheme });

  constructor(
    private readonly registry: Registry,
    private readonly results: ScanResults,
    private readonly cacheDir: string,
    private readonly logger: Logger,
    private readonly options: ScannerOptions = {},
  ) {}

  /** Queues a scan unless one is pending or done; the record reads `pending` at once. */
  request(repository: string, digest: string): void {
    if (this.results.markPending(repository, digest)) {
      this.enqueue(() => this.scan(repository, digest));
    }
  }

  /** Queues the scans a previous run left pending, and starts watching the advisories. */
  start(): void {
    for (const { repository, digest } of this.results.pending()) {
      this.enqueue(() => this.scan(repository, digest));
    }

    const every = this.options.rematchIntervalMs ?? DEFAULT_REMATCH_MS;
    if (every > 0) {
      this.timer = setInterval(() => this.requestRematch(), every);
      this.timer.unref();
    }
  }

  /** Queues one round of matching stale scans again, unless one is queued already. */
  requestRematch(): void {
    if (!this.rematching && !this.closed) {
      this.rematching = true;
      this.enqueue(() => this.rematchStale().finally(() => (this.rematching = false)));
    }
  }

  /** Waits for the work running now; queued scans stay pending for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.queue;
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue = this.queue.then(() => this.closed ? undefined : job());
  }

  private async scan(repository: string, digest: string): Promise<void> {
    try {
      const inventory = await this.inventoryOf(repository, digest);
      const { total, ...outcome } = this.withAdvisories((store) => this.match(inventory, store));
      this.results.finish(repository, digest, { ...outcome,
        inventory: JSON.stringify(inventory) });
      this.logger.info({ repository, digest, findings: total }, 'image scanned');
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.logger.warn({ repository, digest, error }, 'image could not be scanned');
      try {
        // Tried again once the advisory database has moved past this revision (or exists).
        const revision = this.currentRevision();
        this.results.finish(repository, digest, { error,
          ...(revision === undefined ? {} : { revision }) });
      } catch (storeErr) {
        this.logger.error({ err: storeErr }, 'scan result not stored');
      }
    }
  }

  // Matches finished scans whose advisory revision is not the store's any more.
  private async rematchStale(): Promise<void> {
    let store: AdvisoryStore;
    try {
      store = openAdvisoryStore(advisoryDbPath(this.cacheDir), 'read');
    } catch (err) {
      this.logger.debug({ err }, 'no advisory database to match against');
      return;
    }

    try {
      const stale = this.results.stale(store.revision(), REMATCH_BATCH);
      for (const { repository, digest, status } of stale) {
        if (this.closed) {
          return;
        }

        if (status === 'failed') {
          await this.scan(repository, digest);
          continue;
        }

        const kept = this.results.inventoryOf(repository, digest);
        const inventory = kept === undefined ? await this.inventoryOf(repository, digest)
          : JSON.parse(kept) as Inventory;
        const { total, ...outcome } = this.match(inventory, store);
        this.results.rematched(repository, digest, outcome);
        this.logger.info({ repository, digest, findings: total },
          'image matched against new advisories');
      }

      if (stale.length === REMATCH_BATCH) {
        this.enqueue(() => this.rematchStale());
      }
    } catch (err) {
      // The previous verdicts stand; the next round tries again.
      this.logger.warn({ err }, 'matching scans again failed');
    } finally {
      store.close();
    }
  }

  private async inventoryOf(repository: string, digest: string): Promise<Inventory> {
    const source = new StoreImageSource(this.registry, repository, digest);
    try {
      const image = await source.resolve();
      return await inventoryOfImage(source, image, `${repository}@${digest}`);
    } finally {
      await source.close();
    }
  }

  private currentRevision(): string | undefined {
    try {
      return this.withAdvisories((store) => store.revision());
    } catch {
      return undefined;
    }
  }

  private withAdvisories<T>(work: (store: AdvisoryStore) => T): T {
    const store = openAdvisoryStore(advisoryDbPath(this.cacheDir), 'read');
    try {
      return work(store);
    } finally {
      store.close();
    }
  }

  private match(inventory: Inventory, store: AdvisoryStore):
    Omit<ScanOutcome, 'inventory'> & { total: number } {
    // The revision is read first: a write landing mid-match leaves this result stale.
    const revision = store.revision();
    const { findings } = this.matcher.match(inventory, store);
    return { ...summarise(findings), revision, total: findings.length };
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
