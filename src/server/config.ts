// `moat serve` settings: flags override the YAML file (`--config`), which overrides defaults.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { resolveCacheDir } from '../advisories/cache-dir.js';
import { UsageError } from '../errors.js';
import { DEFAULT_LIMITS } from '../registry/registry.js';
import type { UploadLimits } from '../registry/uploads.js';

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** The URL clients reach the server at; the token realm is `<publicUrl>/token`. */
  publicUrl: string;
  /** The token audience; clients echo it from the challenge. */
  service: string;
  limits: UploadLimits;
  /**
   * Proxies whose X-Forwarded-For is believed for the client address (audit records, throttling):
   * false (default), or a comma-separated list of addresses and CIDRs.
   */
  trustProxy: false | string;
  /** Where the advisory database for scan-on-push lives (as `moat db --cache-dir`). */
  cacheDir: string;
  /** How often scans are matched again when the advisory database has changed. */
  rematchIntervalMs: number;
}

export interface ServeFlags {
  listen?: string;
  data?: string;
  config?: string;
  cacheDir?: string;
}

const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Resolves the settings.
 * @throws UsageError for a malformed listen address or config file.
 */
export async function loadServerConfig(flags: ServeFlags,
  env: NodeJS.ProcessEnv = process.env): Promise<ServerConfig> {
  const file = flags.config === undefined ? {} : await readConfigFile(flags.config);
  const listen = flags.listen ?? stringField(file, 'listen') ?? '127.0.0.1:5000';
  const match = /^(\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[2]);
  if (match === null || port > 65535) {
    throw new UsageError(`--listen ${listen.slice(0, 80)} is not HOST:PORT, e.g. 127.0.0.1:5000`);
  }

  const host = (match[1] ?? '').replace(/^\[|\]$/g, '');
  const configured = stringField(file, 'publicUrl');
  if (port === 0 && configured === undefined) {
    throw new UsageError('--listen with port 0 needs publicUrl in --config: the token realm ' +
      'must name the port clients reach');
  }

  const publicUrl = (configured ?? `http://${listen}`).replace(/\/+$/, '');
  const limits = (file.limits ?? {}) as Partial<UploadLimits>;
  const trustProxy = stringField(file, 'trustProxy');
  return {
    trustProxy: trustProxy === undefined || trustProxy === '' ? false : trustProxy,
    host,
    port,
    dataDir: flags.data ?? stringField(file, 'data') ?? './moat-data',
    cacheDir: resolveCacheDir(flags.cacheDir ?? stringField(file, 'cacheDir'), env),
    rematchIntervalMs: 1000 * (positive(file.rematchIntervalSeconds, 'rematchIntervalSeconds')
      ?? 60),
    publicUrl,
    service: stringField(file, 'service') ?? new URL(publicUrl).host,
    limits: {
      maxBlobBytes: positive(limits.maxBlobBytes, 'limits.maxBlobBytes') ??
        DEFAULT_LIMITS.maxBlobBytes,
      maxUploadsPerRepository: positive(limits.maxUploadsPerRepository,
        'limits.maxUploadsPerRepository') ?? DEFAULT_LIMITS.maxUploadsPerRepository,
    },
  };
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read --config ${path}: check the path`, { cause });
  }

  if (text.length > MAX_CONFIG_BYTES) {
    throw new UsageError(`--config ${path} is over ${MAX_CONFIG_BYTES} bytes`);
  }

  let value: unknown;
  try {
    value = parse(text);
  } catch (cause) {
    throw new UsageError(`--config ${path} is not valid YAML`, { cause });
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--config ${path} must be a YAML mapping (listen, data, publicUrl, …)`);
  }

  return value as Record<string, unknown>;
}

function stringField(file: Record<string, unknown>, key: string): string | undefined {
  const value = file[key];
  if (value !== undefined && typeof value !== 'string') {
    throw new UsageError(`config field ${key} must be a string`);
  }

  return value;
}

function positive(value: unknown, key: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }

  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new UsageError(`config field ${key} must be a positive integer`);
  }

  return value;
}
