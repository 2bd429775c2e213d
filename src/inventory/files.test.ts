import { describe, expect, it } from 'vitest';
import { visitSelected } from './files.js';
import type { Warning } from './model.js';
import { buildView } from './test-view.js';

describe('visitSelected', () => {
  it('turns a visit that throws into a warning for that file and visits the rest', async () => {
    const selector = { select: () => ({ kind: 'content' as const, maxBytes: 100 }) };
    const view = buildView({ '/a.txt': 'ok', '/b.txt': 'boom', '/c.txt': 'ok', '/d.bin': 'x' }, [
      selector,
    ]);
    const warnings: Warning[] = [];
    const seen: string[] = [];

    await visitSelected(view, (p) => p.endsWith('.txt'), warnings, (meta, content) => {
      if (content.toString() === 'boom') {
        throw new Error('parser bug');
      }

      seen.push(meta.path);
    });

    expect(seen).toEqual(['/a.txt', '/c.txt']);
    expect(warnings).toEqual([
      {
        code: 'CATALOG_FILE_FAILED',
        message: 'file could not be cataloged: parser bug',
        path: '/b.txt',
      },
    ]);
  });
});
