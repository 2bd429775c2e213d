// Spreads a manifest audit over threads: parsing and judging are pure and per input, and take
// most of an audit's time, so on a machine with spare cores the inputs are handed out to the
// main thread and a small pool of workers (a few at a time, the next to whichever finishes
// first) and the results are put back in input order. The report is then assembled exactly as
// in the sequential path (assembleReport), so its bytes do not depend on the number of threads
// or their timing. The main thread judges too: every worker costs a start and its own JIT
// warm-up, about a second of CPU on the benchmark. Small audits stay on the main thread alone.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Control } from '../catalog/control.js';
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
  /** Threads that judge: the main thread and jobs - 1 workers; 1 or less, the main alone. */
  jobs: number;
  /** Inputs smaller than this in total (characters) are judged on the main thread. */
  minChars?: number;
}

export interface ParallelAudit {
  report: AuditReport;
  /** Worker threads that judged inputs beside the main thread; 0 when it judged alone. */
  workers: number;
}

/** More than 4 threads gain little: the main thread's assembly and output then dominate. */
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

/**
 * The default number of judging threads: one per core that other work leaves idle, at least 1,
 * at most MAX_JOBS. On a busy machine a worker only adds its CPU (about a third more on the
 * benchmark) to a share of the cores that does not grow. `othersRunning` is how many threads
 * besides this one are runnable now (from /proc/loadavg); undefined counts none.
 */
export function defaultJobs(othersRunning?: number): number {
  const idle = availableParallelism() - Math.max(0, othersRunning ?? 0);
  return Math.max(1, Math.min(idle, MAX_JOBS));
}

/** Runnable threads besides the caller, from /proc/loadavg's "running/total" field. */
export function parseOthersRunning(loadavg: string): number | undefined {
  const running = /^\S+ \S+ \S+ (\d+)\//.exec(loadavg)?.[1];
  return running === undefined ? undefined : Math.max(0, Number(running) - 1);
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
 * The same report as auditManifests, judged by up to `jobs` threads.
 * @throws PostureError AUDIT_WORKER_FAILED when a worker fails or stops before it is done;
 * whatever judging an input on the main thread throws.
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

  const results = await runPool(script, inputs, controls, options, jobs - 1);
  return { report: assembleReport(inputs, results, controls, options), workers: jobs - 1 };
}

async function runPool(
  script: URL,
  inputs: ManifestInput[],
  controls: Control[],
  options: K8sAuditOptions,
  count: number,
): Promise<InputResult[]> {
  const results: InputResult[] = new Array<InputResult>(inputs.length);
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  const failed = (why: string, cause?: unknown): PostureError =>
    new PostureError('AUDIT_WORKER_FAILED', `an audit worker ${why}`, { cause });
  try {
    await new Promise<void>((resolve, reject) => {
      const finish = (index: number, result: InputResult): void => {
        results[index] = result;
        done += 1;
        if (done === inputs.length) {
          resolve();
        }
      };

      const send = (worker: Worker): void => {
        if (next < inputs.length) {
          const request: AuditRequest = { index: next, input: inputs[next] as ManifestInput };
          next += 1;
          worker.postMessage(request);
        }
      };

      for (let i = 0; i < count; i += 1) {
        const worker = new Worker(script, { workerData: options });
        workers.push(worker);
        worker.on('message', (reply: AuditReply) => {
          send(worker);
          finish(reply.index, reply.result);
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

      // One input at a time, yielding in between so that workers' replies are taken in.
      const judgeOnMain = (): void => {
        if (next >= inputs.length) {
          return;
        }

        const index = next;
        next += 1;
        try {
          finish(index, auditInput(inputs[index] as ManifestInput, controls, options));
          setImmediate(judgeOnMain);
        } catch (err) {
          reject(err);
        }
      };
      setImmediate(judgeOnMain);
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  return results;
}
