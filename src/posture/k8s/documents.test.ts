import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, parseDocuments } from './documents.js';

describe('parseDocuments', () => {
  it('reads several documents and maps field paths to lines', () => {
    const text = 'a: 1\n---\nkind: Pod\nspec:\n  containers:\n    - name: x\n      image: y\n';
    const { documents, notes } = parseDocuments(text, 'm.yaml');
    expect(notes).toEqual([]);
    expect(documents).toHaveLength(2);
    expect(documents[1]?.lineOf(['spec', 'containers', 0, 'image'])).toBe(7);
    // A missing field points at its nearest present parent.
    expect(documents[1]?.lineOf(['spec', 'containers', 0, 'securityContext', 'privileged'])).toBe(
      6,
    );
  });

  it('reads JSON', () => {
    const { documents } = parseDocuments('{\n  "kind": "Pod",\n  "spec": {}\n}\n', 'm.json');
    expect(documents[0]?.value).toEqual({ kind: 'Pod', spec: {} });
    expect(documents[0]?.lineOf(['spec'])).toBe(3);
  });

  it('reports invalid YAML with its file and line and keeps the good documents', () => {
    const text = 'kind: Pod\n---\nkind: Pod\nspec: [unclosed\n---\nkind: Service\n';
    const { documents, notes } = parseDocuments(text, 'bad.yaml');
    expect(documents.map((d) => (d.value as { kind: string }).kind)).toEqual(['Pod', 'Service']);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ level: 'error', file: 'bad.yaml' });
    expect(notes[0]?.line).toBeGreaterThanOrEqual(4);
    expect(notes[0]?.message).toMatch(/invalid YAML/);
  });

  it('rejects an alias bomb instead of expanding it', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const { documents, notes } = parseDocuments(`${levels.join('\n')}\n`, 'bomb.yaml');
    expect(documents).toEqual([]);
    expect(notes[0]).toMatchObject({ level: 'error', file: 'bomb.yaml', line: 1 });
    expect(notes[0]?.message).toMatch(/alias/i);
  });

  it('stops at the document count limit', () => {
    const text = Array.from({ length: 20 }, (_, i) => `n: ${i}`).join('\n---\n');
    const { documents, notes } = parseDocuments(text, 'many.yaml', {
      ...DEFAULT_LIMITS,
      maxDocuments: 5,
    });
    expect(documents).toHaveLength(5);
    expect(notes[0]?.message).toMatch(/more than 5 documents/);
  });

  it('refuses input over the size limit', () => {
    const { documents, notes } = parseDocuments('a: 1\n'.repeat(100), 'huge.yaml', {
      ...DEFAULT_LIMITS,
      maxBytes: 64,
    });
    expect(documents).toEqual([]);
    expect(notes[0]).toMatchObject({ level: 'error', file: 'huge.yaml' });
    expect(notes[0]?.message).toMatch(/larger than 64 bytes/);
  });

  it('skips empty documents silently', () => {
    const { documents, notes } = parseDocuments('---\n---\n# only a comment\n', 'empty.yaml');
    expect(documents).toEqual([]);
    expect(notes).toEqual([]);
  });
});
