// Spreads a manifest audit over worker threads: parsing and judging are pure and per input, and
// take most of an audit's time, so on a machine with spare cores the inputs are handed out to a
// small pool (a few at a time, the next to whichever worker finishes first) and the results
// are put back in input order. The report is then assembled exactly as in the sequential path
// (assembleReport), so its bytes do not depend on the number of workers or their timing.
// Small audits stay on the main thread: starting a worker costs more than it saves.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AuditReport } from '../finding.js';
import { describeError } from '../../errors.js';
import { PostureError } from '../errors.js';
import {
  assembleReport,
  auditInput,
  judgedControls,
  type InputResult,
  type K8sAuditOptions,
  type ManifestInput,
} from './audit.js';

export interface ParallelOptions {
  /** Worker threads to use; 1 or less judges on the main thread. */
  jobs: number;
  /** Inputs smaller than this in total (characters) are judged on the main thread. */
  minChars?: number;
}

export interface ParallelAudit {
  report: AuditReport;
  /** Worker threads that judged the inputs; 0 when the main thread did. */
  workers: number;
}

/** More than 4 workers gains little: the main thread's assembly and output then dominate. */
export const MAX_JOBS = 4;
const MIN_CHARS = 2 * 1024 * 1024;
/** Inputs handed to a worker ahead, so that it never waits for the main thread. */
const AHEAD = 2;

export interface AuditRequest {
  index: number;
  input: ManifestInput;
}

export interface AuditReply {
  index: number;
  result: InputResult;
}

/** The default worker count: one per core, at most MAX_JOBS. */
export function defaultJobs(): number {
  return Math.min(availableParallelism(), MAX_JOBS);
}

/**
 * The compiled worker beside this module, or undefined when this module runs from the
 * TypeScript sources (under vitest), where a worker thread could not load it.
 */
export function workerScript(): URL | undefined {
  const url = new URL('./audit-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * The same report as auditManifests, judged by up to `jobs` worker threads.
 * @throws PostureError AUDIT_WORKER_FAILED when a worker fails or stops before it is done.
 */
export async function auditManifestsInParallel(
  inputs: ManifestInput[],
  options: K8sAuditOptions,
  parallel: ParallelOptions,
): Promise<ParallelAudit> {
  const controls = judgedControls(options);
  const chars = inputs.reduce((sum, input) => sum + input.text.length, 0);
  const jobs = Math.min(Math.floor(parallel.jobs), inputs.length);
  const script = workerScript();
  if (jobs <= 1 || chars < (parallel.minChars ?? MIN_CHARS) || script === undefined) {
    const results = inputs.map((input) => auditInput(input, controls, options));
    return { report: assembleReport(inputs, results, controls, options), workers: 0 };
  }

  const results = await runPool(script, inputs, options, jobs);
  return { report: assembleReport(inputs, results, controls, options), workers: jobs };
}

async function runPool(
  script: URL,
  inputs: ManifestInput[],
  options: K8sAuditOptions,
  jobs: number,
): Promise<InputResult[]> {
  const results: InputResult[] = new Array<InputResult>(inputs.length);
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  const failed = (why: string, cause?: unknown): PostureError =>
    new PostureError('AUDIT_WORKER_FAILED', `an audit worker ${why}`, { cause });
  try {
    await new Promise<void>((resolve, reject) => {
      const send = (worker: Worker): void => {
        if (next < inputs.length) {
          const request: AuditRequest = { index: next, input: inputs[next] as ManifestInput };
          next += 1;
          worker.postMessage(request);
        }
      };

      for (let i = 0; i < jobs; i += 1) {
        const worker = new Worker(script, { workerData: options });
        workers.push(worker);
        worker.on('message', (reply: AuditReply) => {
          results[reply.index] = reply.result;
          done += 1;
          if (done === inputs.length) {
            resolve();
          } else {
            send(worker);
          }
        });
        worker.on('error', (err) => reject(failed(`failed: ${describeError(err)}`, err)));
        worker.on('messageerror', (err) => reject(failed('sent a result it could not copy', err)));
        worker.on('exit', (code) => {
          if (done < inputs.length) {
            reject(failed(`stopped (exit code ${code}) before it finished`));
          }
        });
        for (let k = 0; k < AHEAD; k += 1) {
          send(worker);
        }
      }
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  return results;
}
