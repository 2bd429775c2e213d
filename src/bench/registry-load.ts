// The load generator of the registry benchmark, run as its own process so that it is not the
// server being measured: N keep-alive connections over loopback each send GET requests back to
// back for a warm-up and then a fixed window, and the window's rate and latencies are written
// as JSON to --out.
//
//   node dist/bench/registry-load.js --url http://127.0.0.1:PORT/v2/NAME/manifests/TAG
//     --accept MEDIA_TYPE --connections 100 --seconds 10 --warmup 2 --out FILE
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summarizeLoad, type LoadResult } from './registry-stats.js';

export interface LoadOptions {
  url: URL;
  accept: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

export const MAX_CONNECTIONS = 1000;
export const MAX_SECONDS = 120;
// 16 MB of latencies; past it requests are still counted but their latencies not kept.
const MAX_SAMPLES = 2_000_000;
// A manifest is a few KiB; a reply past this is not the manifest and stops the run.
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Parses and bounds the flags. Throws a RangeError for a URL that is not http on 127.0.0.1,
 * or a count outside its limits.
 */
export function parseLoadOptions(argv: string[]): LoadOptions & { out: string } {
  const { values } = parseArgs({ args: argv, options: {
    url: { type: 'string' },
    accept: { type: 'string', default: 'application/vnd.oci.image.manifest.v1+json' },
    connections: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    out: { type: 'string' },
  } });
  const url = new URL(values.url ?? '');
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1') {
    throw new RangeError(`--url ${url.href} is not http://127.0.0.1:…: load stays on loopback`);
  }

  if (values.out === undefined) {
    throw new RangeError('--out FILE is required');
  }

  return { url, accept: values.accept, out: values.out,
    connections: bounded('--connections', values.connections, 1, MAX_CONNECTIONS),
    seconds: bounded('--seconds', values.seconds, 1, MAX_SECONDS),
    warmupSeconds: bounded('--warmup', values.warmup, 0, MAX_SECONDS) };
}

function bounded(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${flag} ${text} is not a whole number from ${min} to ${max}`);
  }

  return value;
}

/** One GET; resolves with the status, or 0 when the socket failed. */
function get(agent: Agent, options: LoadOptions): Promise<number> {
  return new Promise((done) => {
    const req = request(options.url, { agent, headers: { accept: options.accept } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_BODY_BYTES) {
          res.destroy(new Error('reply too large'));
        }
      });
      res.on('end', () => done(res.statusCode ?? 0));
      res.on('error', () => done(0));
    });
    req.on('error', () => done(0));
    req.end();
  });
}

/** Runs the warm-up and the measured window; resolves with the window's numbers. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const samples = new Float64Array(MAX_SAMPLES);
  const counts = { requests: 0, errors: 0, answered: 0 };
  let kept = 0;
  const start = performance.now() + options.warmupSeconds * 1000;
  const end = start + options.seconds * 1000;
  const client = async (): Promise<void> => {
    for (let sent = performance.now(); sent < end; sent = performance.now()) {
      const status = await get(agent, options);
      const now = performance.now();
      counts.answered += status === 200 ? 1 : 0;
      // Only requests sent and answered inside the window count, so none straddles its edges.
      if (sent < start || now > end) {
        continue;
      }

      if (status !== 200) {
        counts.errors += 1;
        continue;
      }

      counts.requests += 1;
      if (kept < MAX_SAMPLES) {
        samples[kept] = now - sent;
        kept += 1;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: options.connections }, client));
  } finally {
    agent.destroy();
  }

  return summarizeLoad(samples.subarray(0, kept), counts, options.seconds);
}

async function main(): Promise<void> {
  const options = parseLoadOptions(process.argv.slice(2));
  const result = await runLoad(options);
  await writeFile(options.out, `${JSON.stringify(result)}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
  });
}
