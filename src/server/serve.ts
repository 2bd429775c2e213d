// Starts the Moat server on a data dir: registry store, access policy, HTTP listener.
import { openAccess } from '../access/policy.js';
import type { Logger } from '../log.js';
import { openRegistry } from '../registry/registry.js';
import { buildApp } from './app.js';
import type { ServerConfig } from './config.js';

export interface RunningServer {
  /** `http://HOST:PORT` actually bound (port 0 resolves here). */
  url: string;
  /** Set on the first start when the admin password was generated. */
  initialAdminPassword?: string;
  close(): Promise<void>;
}

/**
 * Opens the stores and listens.
 * @throws MoatError from the stores, or the listen error (e.g. EADDRINUSE).
 */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  const registry = await openRegistry(config.dataDir, config.limits);
  let access: Awaited<ReturnType<typeof openAccess>> | undefined;
  try {
    access = await openAccess(config.dataDir, { realm: `${config.publicUrl}/token`,
      service: config.service });
    const app = buildApp({ registry, policy: access.policy, tokens: access.tokens,
      api: access.api, logger,
      trustProxy: config.trustProxy });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const opened = access;
    return {
      url: `http://${host}:${port}`,
      ...(access.initialAdminPassword === undefined
        ? {}
        : { initialAdminPassword: access.initialAdminPassword }),
      close: async () => {
        await app.close();
        await opened.close();
        registry.close();
      },
    };
  } catch (err) {
    await access?.close();
    registry.close();
    throw err;
  }
}
