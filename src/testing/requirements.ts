// Test-only helpers for integration tests that drive real programs. A test that cannot run
// here skips with a reason printed to the log, never silently.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when the process runs as root. */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** True when `name` is an executable on PATH. */
export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' }).status === 0;
}

/**
 * Returns why a test cannot run here (and prints it), or undefined when every requirement
 * holds. Use as `describe.skipIf(skipReason('integration name', { root: true, tools: [...] }))`.
 */
export function skipReason(
  what: string,
  needs: { root?: boolean; tools?: string[] },
): string | undefined {
  const missing: string[] = [];
  if (needs.root === true && !isRoot()) {
    missing.push('root');
  }

  for (const tool of needs.tools ?? []) {
    if (!hasTool(tool)) {
      missing.push(tool);
    }
  }

  if (missing.length === 0) {
    return undefined;
  }

  const needed = missing.join(', ');
  const reason = `skipping ${what}: needs ${needed} (run \`npm test\` as root to install)`;
  console.log(reason);
  return reason;
}

/** A fresh temporary directory and a function that removes it. */
export async function makeTempDir(
  prefix: string,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `moat-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
