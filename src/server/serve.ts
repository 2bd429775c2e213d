// Starts the Moat server on a data dir: registry store, access policy, project policies with
// their scanner, HTTP listener.
import { openAccess } from '../access/policy.js';
import { openAccessStore } from '../access/store/open-store.js';
import type { Logger } from '../log.js';
import { openRegistry, type Registry } from '../registry/registry.js';
import { ScanResults } from '../registry/scan-results.js';
import { buildApp } from './app.js';
import type { ServerConfig } from './config.js';
import { PolicyEnforcer } from './policy/enforcer.js';
import { Scanner } from './policy/scanner.js';

export interface RunningServer {
  /** `http://HOST:PORT` actually bound (port 0 resolves here). */
  url: string;
  /** Set on the first start when the admin password was generated. */
  initialAdminPassword?: string;
  close(): Promise<void>;
}

/** How long a shutdown waits for requests in flight before it closes their connections. */
const DRAIN_MS = 25_000;

/**
 * Opens the stores and listens.
 * @throws MoatError from the stores, or the listen error (e.g. EADDRINUSE).
 */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  const registry = await openRegistry(config.dataDir, config.limits);
  let access: Awaited<ReturnType<typeof openAccess>> | undefined;
  let policies: ReturnType<typeof openPolicies> | undefined;
  try {
    access = await openAccess(config.dataDir, { realm: `${config.publicUrl}/token`,
      service: config.service });
    policies = openPolicies(config, registry, logger);
    const app = buildApp({ registry, policy: access.policy, tokens: access.tokens,
      api: access.api, enforcer: policies.enforcer, logger,
      trustProxy: config.trustProxy });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const opened = access;
    const enforcing = policies;
    enforcing.scanner.start();
    return {
      url: `http://${host}:${port}`,
      ...(access.initialAdminPassword === undefined
        ? {}
        : { initialAdminPassword: access.initialAdminPassword }),
      close: async () => {
        // New connections are refused at once; those in flight get DRAIN_MS to finish.
        const drain = setTimeout(() => app.server.closeAllConnections(), DRAIN_MS);
        await app.close().finally(() => clearTimeout(drain));
        await enforcing.close();
        await opened.close();
        registry.close();
      },
    };
  } catch (err) {
    await policies?.close();
    await access?.close();
    registry.close();
    throw err;
  }
}

// The project policies read their own connections to the access and registry databases (WAL),
// so a scan writing its result never waits on a request's transaction.
function openPolicies(config: ServerConfig, registry: Registry, logger: Logger) {
  const store = openAccessStore(config.dataDir);
  const scans = ScanResults.open(config.dataDir);
  const scanner = new Scanner(registry, scans, config.cacheDir, logger,
    { rematchIntervalMs: config.rematchIntervalMs });
  const enforcer = new PolicyEnforcer({ registry, policies: store.policies, audit: store.audit,
    scans, scanner });
  return {
    enforcer,
    scanner,
    close: async () => {
      await scanner.close();
      scans.close();
      store.close();
    },
  };
}
