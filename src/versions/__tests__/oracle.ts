// Test-only: runs a reference implementation once for a whole batch of pairs and returns
// its answers, one per pair. Arguments go as arrays and data through stdin: no shell
// string is ever built from test data.
import { spawnSync } from 'node:child_process';
import { skipReason } from '../../testing/requirements.js';

/** Runs `command args` with `input` on stdin and returns its stdout lines. */
export function runOracle(command: string, args: string[], input = ''): string[] {
  const result = spawnSync(command, args, {
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error?.message ?? result.stderr;
    throw new Error(`${command} failed (${String(result.status)}): ${why}`);
  }

  return result.stdout.split('\n').filter((line) => line !== '');
}

// The interpreter on PATH may lack distro bindings (python3-rpm lives in /usr/bin/python3).
const PYTHONS = ['python3', '/usr/bin/python3'];

/** The first python3 that can import `module`, or undefined. */
export function findPython(module: string): string | undefined {
  return PYTHONS.find((python) => {
    const result = spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
    return result.status === 0;
  });
}

/** Why a python oracle cannot run here (printed), or undefined when it can. */
export function pythonSkipReason(what: string, module: string): string | undefined {
  const python = findPython(module);
  return python === undefined
    ? skipReason(what, { tools: [`python3 with the ${module} module`] })
    : skipReason(what, { tools: [python] });
}
