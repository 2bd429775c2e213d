import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, skipReason } from '../../../testing/requirements.js';
import { buildView } from '../../test-view.js';
import { goBinaryCataloger } from './cataloger.js';

async function catalogBinary(host: string, imagePath = '/usr/bin/app') {
  const view = buildView({ [imagePath]: { content: { host }, mode: 0o755 } }, [goBinaryCataloger]);
  return goBinaryCataloger.catalog(view, {});
}

describe('go-binary cataloger on Debian-built Go programs', () => {
  it.each([
    ['/usr/bin/skopeo', 'github.com/containers/skopeo/cmd/skopeo'],
    ['/usr/bin/runsc', 'gvisor.dev/gvisor/runsc'],
    ['/usr/bin/podman', 'github.com/containers/podman/cmd/podman'],
    ['/usr/bin/docker-registry', 'github.com/docker/distribution/cmd/registry'],
  ])('names the main package of %s and its stdlib', async (host, main) => {
    if (!existsSync(host)) {
      console.log(`skipping: ${host} is not installed`);
      return;
    }

    const { packages, warnings } = await catalogBinary(host);
    const stdlib = packages.find((p) => p.name === 'stdlib');

    expect(warnings).toEqual([]);
    expect(packages[0]).toMatchObject({ name: main, version: '(devel)', ecosystem: 'Go' });
    expect(stdlib?.version).toMatch(/^1\.\d+\.\d+$/);
    expect(stdlib?.purl).toBe(`pkg:golang/stdlib@${stdlib?.version}`);
    expect(stdlib?.metadata?.goToolchain).toBe(`go${stdlib?.version}`);
  });
});

const noGo = skipReason('Go module build', { tools: ['go'] });

describe.skipIf(noGo)('go-binary cataloger on a module build', () => {
  let cleanup = async () => {};
  afterAll(() => cleanup());

  it('lists the main module, a replaced dependency and stdlib', async () => {
    const temp = await makeTempDir('go-build');
    cleanup = temp.cleanup;
    const write = (path: string, text: string) => {
      mkdirSync(join(temp.dir, path, '..'), { recursive: true });
      writeFileSync(join(temp.dir, path), text);
    };
    write('lib/go.mod', 'module example.com/lib\n\ngo 1.18\n');
    write('lib/lib.go', 'package lib\n\nfunc Hello() string { return "hi" }\n');
    write('app/go.mod', 'module example.com/app\n\ngo 1.18\n\nrequire example.com/lib v1.2.3\n\n'
      + 'replace example.com/lib v1.2.3 => ../lib\n');
    write('app/main.go', 'package main\n\nimport "example.com/lib"\n\n'
      + 'func main() { println(lib.Hello()) }\n');
    const env = {
      PATH: process.env.PATH,
      HOME: temp.dir,
      GOPATH: join(temp.dir, 'gopath'),
      GOCACHE: join(temp.dir, 'cache'),
      GOPROXY: 'off',
      GOFLAGS: '-mod=mod',
    };
    const go = spawnSync('go', ['build', '-buildvcs=false', '-o', join(temp.dir, 'app.bin'), '.'], {
      cwd: join(temp.dir, 'app'),
      env,
      encoding: 'utf8',
    });
    expect(go.stderr).toBe('');

    const { packages } = await catalogBinary(join(temp.dir, 'app.bin'));

    expect(packages.map((p) => [p.name, p.version, p.metadata?.role])).toEqual([
      ['example.com/app', '(devel)', 'main'],
      ['example.com/lib', 'v1.2.3', 'dependency'],
      ['stdlib', expect.stringMatching(/^1\.\d+\.\d+$/), 'stdlib'],
    ]);
    expect(packages[0]?.purl).toBe('pkg:golang/example.com/app');
    expect(packages[1]?.purl).toBe('pkg:golang/example.com/lib@v1.2.3');
    expect(packages[1]?.metadata?.replacedBy).toBe('../lib');
  });
});

// Present on some machines only (a HashiCorp release build with hundreds of dependencies).
describe.skipIf(!existsSync('/usr/local/bin/terraform'))('go-binary cataloger on terraform', () => {
  it('finds its dependency modules', async () => {
    const { packages } = await catalogBinary('/usr/local/bin/terraform');

    expect(packages[0]?.name).toBe('github.com/hashicorp/terraform');
    expect(packages.filter((p) => p.metadata?.role === 'dependency').length).toBeGreaterThan(100);
    expect(packages.some((p) => p.name === 'golang.org/x/net')).toBe(true);
  });
});

describe('go-binary cataloger selection', () => {
  it.each([
    [{ path: '/bin/x', type: 'file', size: 4096, mode: 0o755 }, true],
    [{ path: '/bin/x', type: 'file', size: 4096, mode: 0o644 }, false],
    [{ path: '/bin/x', type: 'file', size: 10, mode: 0o755 }, false],
    [{ path: '/bin/x', type: 'symlink', size: 0, mode: 0o777 }, false],
  ] as const)('selects %j: %s', (meta, selected) => {
    expect(goBinaryCataloger.select(meta)?.kind === 'scan').toBe(selected);
  });
});
