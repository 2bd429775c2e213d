import { describe, expect, it } from 'vitest';
import { ContentStore } from './content-store.js';
import type { FileMeta } from './types.js';
import { ImageFileView } from './view.js';

const file = (path: string, size = 1): FileMeta => ({ path, type: 'file', size, mode: 0o644 });
const link = (path: string, linkTarget: string): FileMeta => ({
  path,
  type: 'symlink',
  size: 0,
  mode: 0o777,
  linkTarget,
});

function makeView(): ImageFileView {
  return new ImageFileView({
    entries: [
      { path: '/usr', type: 'dir', size: 0, mode: 0o755 },
      { path: '/usr/lib', type: 'dir', size: 0, mode: 0o755 },
      file('/usr/lib/os-release'),
      link('/lib', 'usr/lib'),
      link('/etc/os-release', '../usr/lib/os-release'),
      link('/etc/abs', '/usr/lib/os-release'),
      link('/etc/escape', '../../../../usr/lib/os-release'),
      link('/etc/escape-abs', '/../../usr/lib/os-release'),
      link('/loop/a', 'b'),
      link('/loop/b', 'a'),
      link('/loop/self', 'self'),
      link('/dangling', '/nowhere'),
      {
        path: '/bin/hard',
        type: 'hardlink',
        size: 1,
        mode: 0o755,
        linkTarget: '/usr/lib/os-release',
      },
    ],
    contents: { '/usr/lib/os-release': 'ID=debian\n' },
    scans: { '/usr/lib/os-release': { demo: 42 } },
    warnings: [{ code: 'X', message: 'y' }],
  });
}

describe('ImageFileView', () => {
  it.each([
    ['/etc/os-release'],
    ['/etc/abs'],
    ['/etc/escape'],
    ['/etc/escape-abs'],
    ['/lib/os-release'],
    ['/lib/../lib/os-release'],
    ['usr/lib/./os-release'],
    ['/../usr/lib/os-release'],
  ])('resolves %s to the file inside the root', async (path) => {
    const view = makeView();

    expect(view.stat(path)?.path).toBe('/usr/lib/os-release');
    expect((await view.readFile(path))?.toString()).toBe('ID=debian\n');
    expect(view.scanResult(path, 'demo')).toBe(42);
  });

  it.each([['/loop/a'], ['/loop/self'], ['/dangling'], ['/loop/a/x']])(
    'returns undefined for %s (loop or dangling)',
    async (path) => {
      const view = makeView();

      expect(view.stat(path)).toBeUndefined();
      expect(await view.readFile(path)).toBeUndefined();
    },
  );

  it('lstat does not follow the final symlink but follows parents', () => {
    const view = makeView();

    expect(view.lstat('/etc/os-release')?.type).toBe('symlink');
    expect(view.lstat('/lib/os-release')?.path).toBe('/usr/lib/os-release');
    expect(view.lstat('/loop/a')?.linkTarget).toBe('b');
  });

  it('reads a hard link through its target', async () => {
    const view = makeView();

    expect((await view.readFile('/bin/hard'))?.toString()).toBe('ID=debian\n');
  });

  it('does not read a hard link through a target a higher layer replaced', async () => {
    const layer = (index: number) => ({ index, digest: `sha256:${String(index).repeat(64)}` });
    const view = new ImageFileView({
      entries: [
        { ...file('/a'), layer: layer(1) },
        { path: '/b', type: 'hardlink', size: 0, mode: 0o644, linkTarget: '/a', layer: layer(0) },
      ],
      contents: { '/a': 'new' },
    });

    expect(await view.readFile('/b')).toBeUndefined();
  });

  it('lists entries and keeps warnings', () => {
    const view = makeView();

    expect([...view.entries()]).toHaveLength(13);
    expect(view.warnings).toEqual([{ code: 'X', message: 'y' }]);
    expect(view.scanResult('/usr/lib/os-release', 'other')).toBeUndefined();
  });

  it('spills large content to disk and removes it on close', async () => {
    const store = new ContentStore({ spillThreshold: 4 });
    await store.put('/big', Buffer.from('0123456789'));
    const view = new ImageFileView({ entries: [file('/big', 10)], contents: store });

    expect((await view.readFile('/big'))?.toString()).toBe('0123456789');
    expect(store.totalBytes).toBe(10);
    await view.close();
    expect(await view.readFile('/big')).toBeUndefined();
  });
});
