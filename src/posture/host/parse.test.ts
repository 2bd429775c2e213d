import { describe, expect, it } from 'vitest';
import { containerIdFromCgroup } from './cgroup-scan.js';
import {
  appArmorConfines,
  capabilityNames,
  hostUidOfRoot,
  isInitialUserNamespace,
  parseCgroupFile,
  parseMountinfo,
  parseAppArmorLabel,
  parseSeLinuxContext,
  parseStatus,
  UNCONFINED_SELINUX_TYPES,
} from './parse.js';

// Captured from `podman run --privileged` (runc) on a Debian 12 host.
const PRIVILEGED_STATUS = `Name:\tsleep
Umask:\t0022
State:\tS (sleeping)
Uid:\t0\t0\t0\t0
Gid:\t0\t0\t0\t0
CapInh:\t0000000000000000
CapPrm:\t000001fffeffffff
CapEff:\t000001fffeffffff
CapBnd:\t000001fffeffffff
CapAmb:\t0000000000000000
NoNewPrivs:\t0
Seccomp:\t0
Seccomp_filters:\t0
`;

const ID = '73d212e624cfbd20cf0749101a257367ffaf56250eaa6c543319d680377bfde6';

describe('host /proc parsers', () => {
  it('reads capabilities, no_new_privs, seccomp and the effective UID from status', () => {
    expect(parseStatus(PRIVILEGED_STATUS)).toEqual({
      capEff: 0x1fffeffffffn,
      capBnd: 0x1fffeffffffn,
      noNewPrivs: false,
      seccomp: 0,
      uid: 0,
    });
    expect(parseStatus('Name:\tx\n')).toBeUndefined();
  });

  it('names capability bits (podman default set)', () => {
    expect(capabilityNames(0xa80425fbn)).toEqual([
      'CHOWN',
      'DAC_OVERRIDE',
      'FOWNER',
      'FSETID',
      'KILL',
      'SETGID',
      'SETUID',
      'SETPCAP',
      'NET_BIND_SERVICE',
      'NET_RAW',
      'SYS_CHROOT',
      'MKNOD',
      'AUDIT_WRITE',
      'SETFCAP',
    ]);
  });

  it('parses mountinfo, optional fields and octal escapes included', () => {
    const text = [
      '76 51 0:41 / / ro,relatime - overlay overlay rw,lowerdir=/l',
      '82 76 254:0 /tmp/a\\040b/docker.sock /var/run/docker.sock rw,relatime shared:1 - ext4 /dev/vda rw',
      'garbage line',
    ].join('\n');
    expect(parseMountinfo(text)).toEqual([
      {
        root: '/',
        mountPoint: '/',
        options: ['ro', 'relatime'],
        fsType: 'overlay',
        source: 'overlay',
      },
      {
        root: '/tmp/a b/docker.sock',
        mountPoint: '/var/run/docker.sock',
        options: ['rw', 'relatime'],
        fsType: 'ext4',
        source: '/dev/vda',
      },
    ]);
  });

  it('tells the initial user namespace from a mapped one', () => {
    expect(isInitialUserNamespace('         0          0 4294967295\n')).toBe(true);
    expect(isInitialUserNamespace('     65534      65534          1\n')).toBe(false);
    expect(hostUidOfRoot('0 200000 65536\n')).toBe(200000);
    expect(hostUidOfRoot('65534 65534 1\n')).toBeUndefined();
  });

  it('reads cgroup v1 controllers and the v2 entry', () => {
    const map = parseCgroupFile(`4:memory:/libpod_parent/libpod-${ID}\n1:cpu,cpuacct:/x\n0::/y\n`);
    expect(map.get('memory')).toBe(`/libpod_parent/libpod-${ID}`);
    expect(map.get('cpu,cpuacct')).toBe('/x');
    expect(map.get('')).toBe('/y');
  });

  it.each([
    [`4:memory:/libpod_parent/libpod-${ID}`, ID],
    [`0::/system.slice/docker-${ID}.scope`, ID],
    [`0::/kubepods/besteffort/pod1/cri-containerd-${ID}.scope`, ID],
    [`0::/libpod_parent/libpod-conmon-${ID}`, undefined],
    ['0::/user.slice/session-1.scope', undefined],
  ])('recognises the container in cgroup %s', (line, id) => {
    expect(containerIdFromCgroup(line)).toBe(id);
  });
});

describe('LSM labels', () => {
  it.each([
    ['unconfined\n', { profile: 'unconfined' }, false],
    [
      'containers-default-0.50.1 (enforce)\n',
      { profile: 'containers-default-0.50.1', mode: 'enforce' },
      true,
    ],
    ['docker-default (enforce)\0', { profile: 'docker-default', mode: 'enforce' }, true],
    [
      'cri-containerd.apparmor.d (complain)',
      { profile: 'cri-containerd.apparmor.d', mode: 'complain' },
      false,
    ],
    ['/usr/bin/app (kill)', { profile: '/usr/bin/app', mode: 'kill' }, true],
    ['crun (unconfined)', { profile: 'crun', mode: 'unconfined' }, false],
  ])('reads the AppArmor label %j', (text, label, confines) => {
    expect(parseAppArmorLabel(text)).toEqual(label);
    expect(appArmorConfines(label)).toBe(confines);
  });

  it('reads no AppArmor label from an empty file', () => {
    expect(parseAppArmorLabel('\0\n')).toBeUndefined();
  });

  it.each([
    ['system_u:system_r:container_t:s0:c123,c456\0', 'container_t', 's0:c123,c456', false],
    ['system_u:system_r:spc_t:s0', 'spc_t', 's0', true],
    [
      'unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023',
      'unconfined_t',
      's0-s0:c0.c1023',
      true,
    ],
    ['system_u:system_r:container_runtime_t:s0', 'container_runtime_t', 's0', true],
    ['system_u:system_r:container_init_t', 'container_init_t', '', false],
  ])('reads the SELinux context %j', (text, type, level, unconfined) => {
    const context = parseSeLinuxContext(text);
    expect(context).toMatchObject({ type, level });
    expect(UNCONFINED_SELINUX_TYPES.has(context?.type ?? '')).toBe(unconfined);
  });

  it.each(['', 'unconfined', 'a::c:s0'])('rejects the malformed SELinux context %j', (text) => {
    expect(parseSeLinuxContext(text)).toBeUndefined();
  });
});
