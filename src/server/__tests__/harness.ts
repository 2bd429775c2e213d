// Test support: a Moat registry on a loopback port in its own temp dir, and a tiny HTTP client.
import type { AccessPolicy } from '../../access/policy.js';
import { silentLogger } from '../../log.js';
import { openRegistry, type Registry } from '../../registry/registry.js';
import { makeTempDir } from '../../testing/requirements.js';
import { buildApp } from '../app.js';

/**
 * PROTOCOL TESTS ONLY: a policy that allows every request, so that the distribution protocol
 * can be tested apart from authentication. `moat serve` always uses the real access policy.
 */
export const allowAllForProtocolTests: AccessPolicy = {
  authorize: async (request) => ({ allowed: true, status: 200, granted: request.actions,
    reason: 'protocol test' }),
  visibleRepositories: async (_authorization, all) => all,
};

export interface TestServer {
  url: string;
  host: string;
  dataDir: string;
  registry: Registry;
  /** Closes every connection at once, as a shutdown does when its drain time is up. */
  dropConnections(): void;
  stop(): Promise<void>;
}

export async function startTestServer(policy = allowAllForProtocolTests): Promise<TestServer> {
  const { dir, cleanup } = await makeTempDir('moat-registry');
  const registry = await openRegistry(dir);
  const app = buildApp({ registry, policy, logger: silentLogger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    dataDir: dir,
    registry,
    dropConnections: () => app.server.closeAllConnections(),
    stop: async () => {
      await app.close();
      registry.close();
      await cleanup();
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions on JSON
  json(): any;
}

/** One request; `path` is absolute (`/v2/…`) or a full URL. */
export async function call(base: string, method: string, path: string,
  init: { headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Reply> {
  const url = path.startsWith('http') ? path : `${base}${path}`;
  const response = await fetch(url, { method, headers: init.headers, body: init.body });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body,
    json: () => JSON.parse(body.toString('utf8')) };
}
