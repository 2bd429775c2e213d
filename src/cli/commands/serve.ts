// `moat serve`: the Moat server (OCI registry with access control) on a data dir.
import type { Command } from 'commander';
import { loadServerConfig, type ServeFlags } from '../../server/config.js';
import { startServer } from '../../server/serve.js';
import type { CliIo } from '../io.js';

const EXAMPLES = `
Examples:
  $ moat serve                                     # 127.0.0.1:5000, data in ./moat-data
  $ moat serve --listen 0.0.0.0:5000 --data /var/lib/moat
  $ moat serve --config /etc/moat/server.yaml
  $ skopeo copy oci:app:1 docker://127.0.0.1:5000/payments/app:1 --dest-tls-verify=false \\
      --dest-creds admin:PASSWORD

The config file is YAML: listen, data, publicUrl (what clients reach, e.g. https://moat.bank),
service (token audience), limits: {maxBlobBytes, maxUploadsPerRepository}, trustProxy
(addresses/CIDRs whose X-Forwarded-For is believed), cacheDir (the advisory database that
scan-on-push matches against; default as for moat db). Flags win.
Project policies (moat project policy) apply at once to every push and pull.
On the first start the admin password comes from MOAT_ADMIN_PASSWORD, or a generated one is
printed once to stderr. Request logs go to stderr as JSON (MOAT_LOG_LEVEL, default info).
Stop with SIGINT or SIGTERM: requests in flight get 25 s to finish (a pull to a stalled client
would otherwise hold the server for its idle timeout), then the stores close.
`;

export function register(program: Command, io: CliIo): void {
  program.command('serve')
    .description('run the Moat server: OCI registry under /v2/, token endpoint at /token')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:5000)')
    .option('--data <dir>', 'data directory (default ./moat-data)')
    .option('--config <file>', 'YAML settings file')
    .option('--cache-dir <dir>', 'advisory database for scan-on-push (as moat db --cache-dir)')
    .addHelpText('after', EXAMPLES)
    .action((flags: ServeFlags) => runServe(io, flags));
}

async function runServe(io: CliIo, flags: ServeFlags): Promise<void> {
  const config = await loadServerConfig(flags, io.env);
  const logger = io.log.child({}, { level: io.env.MOAT_LOG_LEVEL ?? 'info' });
  const server = await startServer(config, logger);
  if (server.initialAdminPassword !== undefined) {
    io.stderr.write(`moat: created user admin with password ${server.initialAdminPassword}\n` +
      'moat: it is shown only this once: store it now\n');
  }

  logger.info({ url: server.url, data: config.dataDir }, 'listening');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info({ signal }, 'shutting down');
  await server.close();
}
