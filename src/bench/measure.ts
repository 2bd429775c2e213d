// Times a program and measures its peak memory from outside, so Moat's own numbers cannot
// flatter it. A small python3 parent runs the command, takes wall time with a monotonic
// clock, and after the child exits reads getrusage(RUSAGE_CHILDREN): ru_maxrss is the peak
// resident set of the largest waited-for descendant (KiB on Linux), ru_utime + ru_stime the
// CPU time of all of them (steadier than wall time on a busy machine).
import { spawn } from 'node:child_process';

export interface Measurement {
  seconds: number;
  cpuSeconds: number;
  peakRssKiB: number;
}

const WRAPPER = [
  'import json, resource, subprocess, sys, time',
  'start = time.monotonic()',
  'proc = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,',
  '                      stderr=subprocess.PIPE)',
  'elapsed = time.monotonic() - start',
  'usage = resource.getrusage(resource.RUSAGE_CHILDREN)',
  'err = proc.stderr[-4000:].decode("utf8", "replace")',
  'cpu = usage.ru_utime + usage.ru_stime',
  'print(json.dumps({"seconds": elapsed, "cpuSeconds": cpu, "peakRssKiB": usage.ru_maxrss,',
  '                  "code": proc.returncode, "stderr": err}))',
].join('\n');

/**
 * Runs `command args…` once under the wrapper (stdout discarded). Throws when the command
 * exits non-zero, with the end of its stderr.
 */
export async function measure(command: string, args: readonly string[]): Promise<Measurement> {
  const output = await new Promise<string>((resolveRun, reject) => {
    const child = spawn('python3', ['-c', WRAPPER, command, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolveRun(stdout) : reject(new Error(`python3 wrapper exited ${code}`)));
  });

  const result = JSON.parse(output) as Measurement & { code: number; stderr: string };
  if (result.code !== 0) {
    throw new Error(`${command} exited ${result.code}: ${result.stderr.trim()}`);
  }

  const { seconds, cpuSeconds, peakRssKiB } = result;
  return { seconds, cpuSeconds, peakRssKiB };
}

/** A series of measurements of one command. */
export interface Summary {
  /** Median wall time, and every wall time in run order. */
  seconds: number;
  all: number[];
  /** Median CPU time (user + system, all processes). */
  cpuSeconds: number;
  /** The largest peak RSS of all runs: the number a memory limit must allow. */
  peakRssKiB: number;
}

/** Medians of a series of runs (the middle one of 3), and the largest peak RSS. */
export function summarize(results: readonly Measurement[]): Summary {
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] ?? 0;
  return {
    seconds: median(results.map((r) => r.seconds)),
    all: results.map((r) => r.seconds),
    cpuSeconds: median(results.map((r) => r.cpuSeconds)),
    peakRssKiB: Math.max(0, ...results.map((r) => r.peakRssKiB)),
  };
}
