import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildView } from '../../test-view.js';
import { createBuildInfoScanner, decodeBuildInfo } from './buildinfo-scanner.js';
import { goBinaryCataloger } from './cataloger.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

function uvarint(n: number): Buffer {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }

  bytes.push(n);
  return Buffer.from(bytes);
}

// Lays out build information as the Go 1.18+ linker does, at an aligned offset.
function buildInfo(goVersion: string, modinfo: string, flags = 0x2, pointerSize = 8): Buffer {
  const header = Buffer.alloc(32);
  MAGIC.copy(header);
  header[14] = pointerSize;
  header[15] = flags;
  const sentinel = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
  const mod = Buffer.concat([sentinel, Buffer.from(modinfo), sentinel]);
  const version = Buffer.from(goVersion);
  return Buffer.concat([header, uvarint(version.length), version, uvarint(mod.length), mod]);
}

function scan(data: Buffer, chunkSize: number): unknown {
  const scanner = createBuildInfoScanner();
  for (let at = 0; at < data.length; at += chunkSize) {
    scanner.write(data.subarray(at, at + chunkSize));
  }

  return scanner.end();
}

const MODINFO = 'path\texample.com/app\nmod\texample.com/app\t(devel)\t\n'
  + `dep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n${'build\tGOARCH=amd64\n'.repeat(200)}`;
const IMAGE = Buffer.concat([
  Buffer.alloc(4096, 0x41),
  buildInfo('go1.21.3', MODINFO),
  Buffer.alloc(100),
]);

describe('createBuildInfoScanner', () => {
  it.each([1, 3, 7, 16, 31, 33, 4096, 1 << 20])('finds it in %i-byte chunks', (size) => {
    const expected = { format: 'inline', goVersion: 'go1.21.3', modinfo: MODINFO };
    expect(scan(IMAGE, size)).toEqual(expected);
  });

  it('ignores a magic that is not 16-byte aligned', () => {
    const data = Buffer.concat([Buffer.alloc(4097), buildInfo('go1.21.3', MODINFO)]);

    expect(scan(data, 100)).toBeUndefined();
  });

  it('skips a false magic and finds the real one after it', () => {
    const decoy = Buffer.concat([MAGIC, Buffer.from([3, 2]), Buffer.alloc(16)]);
    const data = Buffer.concat([decoy, buildInfo('go1.22rc1', MODINFO)]);

    expect(scan(data, 5)).toMatchObject({ format: 'inline', goVersion: 'go1.22rc1' });
  });

  it('reports the pre-1.18 pointer format', () => {
    expect(scan(buildInfo('go1.16', MODINFO, 0), 64)).toEqual({ format: 'pointer' });
  });

  it.each([20, 40, 200])('reports build information truncated after %i bytes', (cut) => {
    const data = buildInfo('go1.21.3', MODINFO).subarray(0, cut);
    expect(scan(data, 7)).toEqual({ format: 'truncated' });
  });

  it('rejects an oversized length prefix instead of buffering it', () => {
    const header = buildInfo('go1.21.3', '').subarray(0, 32);
    const data = Buffer.concat([header, uvarint(8), Buffer.from('go1.21.3'), uvarint(2 ** 30)]);

    expect(decodeBuildInfo(data, false)).toEqual({ format: 'truncated' });
  });

  it.each(['/usr/bin/skopeo', '/usr/bin/runsc'])('reads %s, a real Go binary', (path) => {
    if (!existsSync(path)) {
      console.log(`skipping: ${path} is not installed`);
      return;
    }

    const result = scan(readFileSync(path), 65_536) as { goVersion: string; modinfo: string };
    expect(result.goVersion).toMatch(/^go1\.\d+/);
    expect(result.modinfo).toMatch(/^path\t/);
  });
});

describe('go-binary cataloger warnings', () => {
  const padding = Buffer.alloc(2048, 0x90);
  const cut = buildInfo('go1.21.3', MODINFO).subarray(0, 99);

  it.each([
    ['cut build information', cut, 'GO_BUILDINFO_TRUNCATED'],
    ['the pre-1.18 pointer format', buildInfo('go1.16', MODINFO, 0), 'GO_BUILDINFO_UNSUPPORTED'],
    ['malformed modinfo lines', buildInfo('go1.21.3', 'path\tx\nbogus\n'), 'GO_MODINFO_MALFORMED'],
  ])('warns about %s', async (_name, info, code) => {
    const content = Buffer.concat([padding, info]);
    const view = buildView({ '/bin/app': { content, mode: 0o755 } }, [goBinaryCataloger]);
    const { warnings } = await goBinaryCataloger.catalog(view, {});

    expect(warnings).toMatchObject([{ code, path: '/bin/app' }]);
  });
});

describe('go-binary cataloger replacements', () => {
  it('reports the module a versioned replacement compiled in', async () => {
    const modinfo = 'path\tex.com/app\nmod\tex.com/app\tv1.0.0\t\n'
      + 'dep\tgolang.org/x/net\tv0.1.0\th1:a=\n=>\tgithub.com/fork/net\tv0.2.0\th1:b=\n'
      + 'dep\tgolang.org/x/sys\tv0.1.0\th1:c=\n=>\tgolang.org/x/sys\tv0.3.0\th1:d=\n';
    const content = Buffer.concat([Buffer.alloc(1024), buildInfo('go1.21.3', modinfo)]);
    const view = buildView({ '/bin/app': { content, mode: 0o755 } }, [goBinaryCataloger]);
    const { packages } = await goBinaryCataloger.catalog(view, {});

    expect(packages.map((p) => [p.name, p.version, p.metadata?.replaces])).toEqual([
      ['ex.com/app', 'v1.0.0', undefined],
      ['github.com/fork/net', 'v0.2.0', 'golang.org/x/net@v0.1.0'],
      ['golang.org/x/sys', 'v0.3.0', 'golang.org/x/sys@v0.1.0'],
      ['stdlib', '1.21.3', undefined],
    ]);
  });
});
