// Runs the real programs the fixtures are made with, always with argument arrays.
import { spawn } from 'node:child_process';

/**
 * Runs a program with an argument array; resolves with its output, rejects with its stderr
 * when it exits non-zero.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        resolveRun({ stdout, stderr });
        return;
      }

      const tail = stderr.trim().split('\n').slice(-20).join('\n');
      reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${tail}`));
    });
    // A program that never reads its input closes the pipe early: that is not an error.
    child.stdin.on('error', () => undefined).end(options.input ?? '');
  });
}
