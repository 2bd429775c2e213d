// A real host for the host-audit benchmark: `count` busybox containers started by podman (runc)
// in a private storage root, with a mix of locked-down and risky settings like a shared node.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const LIMITS = ['--memory', '64m', '--cpus', '0.5', '--pids-limit', '100'];
const LOCKED = ['--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--user', '1000:1000',
  '--read-only', ...LIMITS];
const VARIANTS: string[][] = [
  LOCKED,
  ['--privileged', ...LIMITS],
  ['--cap-add', 'SYS_ADMIN', ...LIMITS],
  ['--security-opt', 'seccomp=unconfined', ...LOCKED],
  ['--pid', 'host', ...LOCKED],
  ['--cap-drop', 'ALL', '--read-only'],
];
const IMAGE = 'localhost/moat-bench-bb:1';

export interface BenchHost {
  /** Flags for `moat audit host` to find this podman storage. */
  auditArgs: string[];
  /** Environment podman needs (private configuration files). */
  env: Record<string, string>;
  /** Removes the containers, by name. */
  stop(): void;
}

function podman(global: string[], env: Record<string, string>, args: string[], input?: Buffer) {
  const result = spawnSync('podman', [...global, ...args], {
    env: { ...process.env, ...env },
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`podman ${args[0]} failed: ${result.stderr.toString().trim()}`);
  }

  return result.stdout.toString();
}

/**
 * Starts `count` containers under `dir` (needs root, podman, runc and busybox). Throws when
 * podman fails; the containers started so far are removed first.
 */
export async function startBenchHost(dir: string, count: number): Promise<BenchHost> {
  const rootfs = join(dir, 'rootfs');
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  await mkdir(join(rootfs, 'etc'));
  spawnSync('cp', ['/bin/busybox', join(rootfs, 'bin', 'busybox')]);
  spawnSync('chroot', [rootfs, '/bin/busybox', '--install', '-s', '/bin']);
  await writeFile(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(
    join(dir, 'containers.conf'),
    // Limits within the ones this process holds: runc may not raise them (EPERM).
    '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' +
      '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n',
  );
  await writeFile(
    join(dir, 'storage.conf'),
    `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/runroot"\n`,
  );
  const env = {
    CONTAINERS_CONF: join(dir, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
  };
  const global = ['--root', join(dir, 'root'), '--runroot', join(dir, 'runroot')];
  const tar = spawnSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  podman(global, env, ['import', '-', IMAGE], tar.stdout);

  const names: string[] = [];
  const stop = (): void => {
    const options = { env: { ...process.env, ...env }, stdio: 'ignore' as const };
    if (names.length > 0) {
      spawnSync('podman', [...global, 'rm', '-f', '-t', '0', ...names], options);
    }

    // The overlay driver mounts its own directory; the temp dir cannot go while it is there.
    spawnSync('podman', [...global, 'rmi', '-f', IMAGE], options);
    spawnSync('umount', [join(dir, 'root', 'overlay')], options);
  };
  try {
    for (let i = 0; i < count; i += 1) {
      const name = `moat-bench-${i}`;
      const flags = VARIANTS[i % VARIANTS.length] ?? LOCKED;
      podman(global, env, ['run', '-d', '--name', name, '--network', 'none', ...flags, IMAGE,
        'sleep', '900']);
      names.push(name);
    }
  } catch (err) {
    stop();
    throw err;
  }

  return { auditArgs: ['--podman-root', global[1] as string, '--podman-runroot',
    global[3] as string], env, stop };
}
