// The built launcher, as a user runs it: a closed pipe on stdout ends it quietly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = existsSync(`${root}/dist/cli/main.js`);
if (!built) {
  console.log('skipping launcher tests: run `npm run build` first (npm test does)');
}

describe.skipIf(!built)('bin/moat', () => {
  it('exits 0 without a stack trace when the reader closes the pipe early', () => {
    // `head -c 1` exits after one byte while moat still has ~600 kB of results to write.
    const script =
      'yes "1.0	2.0" | head -n 200000 | node bin/moat version-compare --batch dpkg ' +
      '| head -c 1 >/dev/null; echo "${PIPESTATUS[2]}"';
    const result = spawnSync('bash', ['-c', script], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(result.stdout.trim()).toBe('0');
  });

  it('prints its version', () => {
    const result = spawnSync('node', ['bin/moat', '--version'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
