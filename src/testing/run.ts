// Runs the real programs the fixtures are made with, always with argument arrays.
import { spawn } from 'node:child_process';

/**
 * Runs a program with an argument array; resolves with its output, rejects with its stderr
 * when it exits non-zero. `secrets` (passwords on the command line) never reach the error.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; secrets?: string[] } = {},
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
      const message = `${command} ${args.join(' ')} exited ${code}: ${tail}`;
      reject(new Error(redact(message, options.secrets ?? [])));
    });
    // A program that never reads its input closes the pipe early: that is not an error.
    child.stdin.on('error', () => undefined).end(options.input ?? '');
  });
}

function redact(text: string, secrets: readonly string[]): string {
  const present = secrets.filter((secret) => secret !== '');
  return present.reduce((out, secret) => out.split(secret).join('***'), text);
}
