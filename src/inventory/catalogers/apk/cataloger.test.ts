import { describe, expect, it } from 'vitest';
import { catalogFiles } from '../../catalog.js';
import { osDetector } from '../../os.js';
import { buildView } from '../../test-view.js';
import { apkCataloger } from './cataloger.js';
import { parseApkInstalled } from './installed.js';

// The layout of a real Alpine 3.19 database: checksum, name, version, arch, sizes, origin…
const INSTALLED = `C:Q1dwhUHnuHr5iWOrCfs6jkqh2bQX0=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407657
I:663552
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1705055946
c:8e5b9a0e6b1e1a0b9f3f8fa4c8f3a5f0d7e0c1d2
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1CcNVs4fqFtAFpzpBZ6GgmCCWh4E=
R:libc.musl-x86_64.so.1

C:Q1qKcZ+j23xssAXmgQhkOO8dHnbWw=
P:libcrypto3
V:3.1.4-r5
A:x86_64
L:Apache-2.0
o:openssl
D:so:libc.musl-x86_64.so.1

C:Q1broken
T:a record without name
V:1.0

P:busybox
V:1.36.1-r15
A:x86_64
L:GPL-2.0-only
`;

describe('apk cataloger', () => {
  it('reads packages with origin, arch and license, and warns about broken records', async () => {
    const view = buildView(
      { '/lib/apk/db/installed': INSTALLED, '/etc/alpine-release': '3.19.1\n' },
      [apkCataloger, osDetector],
    );
    const { packages, warnings } = await catalogFiles(view, [apkCataloger], osDetector);

    expect(packages.map((p) => `${p.name}@${p.version} ${p.source?.name} ${p.licenses.join()}`))
      .toEqual([
        'busybox@1.36.1-r15 busybox GPL-2.0-only',
        'libcrypto3@3.1.4-r5 openssl Apache-2.0',
        'musl@1.2.4_git20230717-r4 musl MIT',
      ]);
    expect(packages[1]).toMatchObject({
      ecosystem: 'Alpine',
      type: 'apk',
      purl: 'pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1',
      locations: [{ path: '/lib/apk/db/installed' }],
    });
    expect(warnings).toMatchObject([
      { code: 'APK_MALFORMED_RECORD', path: '/lib/apk/db/installed' },
    ]);
  });

  it('counts lines that are not KEY:value', () => {
    const { entries, warnings } = parseApkInstalled('P:a\nV:1\nnonsense\n\n\n', 'db');

    expect(entries).toHaveLength(1);
    expect(warnings.map((w) => w.code)).toEqual(['APK_MALFORMED_LINE']);
  });
});
