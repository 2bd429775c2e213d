import { describe, expect, it } from 'vitest';
import type { LayerEntry } from './layers/entry.js';
import { OverlayTree } from './overlay.js';

const file = (path: string): LayerEntry => ({ path, type: 'file', size: 1, mode: 0o644 });
const dir = (path: string): LayerEntry => ({ path, type: 'dir', size: 0, mode: 0o755 });
const link = (path: string): LayerEntry => ({ path, type: 'symlink', size: 0, mode: 0o777 });

/** Runs layers (index 0 = base) top-down; returns the visible paths. */
function apply(layers: LayerEntry[][]): string[] {
  const tree = new OverlayTree();
  const visible: string[] = [];
  for (let index = layers.length - 1; index >= 0; index -= 1) {
    tree.beginLayer(index);
    for (const entry of layers[index] ?? []) {
      if (tree.decide(entry) === 'visible') {
        visible.push(`${entry.path}@${index}`);
      }
    }

    tree.endLayer();
  }

  return visible.sort();
}

describe('OverlayTree', () => {
  it.each([
    ['a higher file shadows a lower one', [[file('/a')], [file('/a')]], ['/a@1']],
    ['a whiteout deletes a lower file', [[file('/a'), file('/b')], [file('/.wh.a')]], ['/b@0']],
    [
      'a deleted file can be added again',
      [[file('/a')], [file('/.wh.a')], [file('/a')]],
      ['/a@2'],
    ],
    [
      'a whiteout of a directory hides its children',
      [[dir('/d'), file('/d/x')], [file('/.wh.d')]],
      [],
    ],
    [
      'an opaque directory hides only lower children',
      [
        [dir('/d'), file('/d/old'), file('/e')],
        [dir('/d'), file('/d/.wh..wh..opq'), file('/d/new')],
      ],
      ['/d/new@1', '/d@1', '/e@0'],
    ],
    [
      'a whiteout does not hide an entry of its own layer',
      [[file('/a')], [file('/.wh.a'), file('/a')]],
      ['/a@1'],
    ],
    [
      'a file replacing a directory hides the lower children',
      [[dir('/d'), file('/d/x')], [link('/d')]],
      ['/d@1'],
    ],
    [
      'the later duplicate in one layer wins',
      [[file('/a'), file('/a')]],
      ['/a@0', '/a@0'],
    ],
    [
      'aufs bookkeeping is ignored',
      [[file('/a')], [file('/.wh..wh.plnk/1')]],
      ['/a@0'],
    ],
  ])('%s', (_name, layers, expected) => {
    expect(apply(layers)).toEqual(expected);
  });
});
