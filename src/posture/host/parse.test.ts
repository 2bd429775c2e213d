import { describe, expect, it } from 'vitest';
import { containerIdFromCgroup } from './cgroup-scan.js';
import {
  capabilityNames,
  hostUidOfRoot,
  isInitialUserNamespace,
  parseCgroupFile,
  parseMountinfo,
  parseStatus,
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
