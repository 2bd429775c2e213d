import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/requirements.js';
import { readBounded, readInputs } from './inputs.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('posture-inputs'));
  await mkdir(join(dir, 'm'));
  await writeFile(join(dir, 'm', 'a.yaml'), 'kind: Pod\n');
  await writeFile(join(dir, 'm', 'b.json'), '{}');
  await writeFile(join(dir, 'm', 'notes.txt'), 'x');
  await writeFile(join(dir, 'big.yaml'), 'a: 1\n'.repeat(1000));
  await symlink('/etc', join(dir, 'm', 'etc-link.yaml'));
});
afterAll(() => cleanup());

function stdin(text = ''): PassThrough {
  const s = new PassThrough();
  s.end(text);
  return s;
}

describe('readInputs', () => {
  it('walks directories for YAML and JSON only, without following symlinks', async () => {
    const { inputs, notes } = await readInputs([join(dir, 'm')], stdin());
    expect(inputs.map((i) => i.file)).toEqual([join(dir, 'm', 'a.yaml'), join(dir, 'm', 'b.json')]);
    expect(notes).toEqual([]);
  });

  it('refuses a file over the size limit and reads the others', async () => {
    const { inputs, notes } = await readInputs(
      [join(dir, 'big.yaml'), join(dir, 'm', 'a.yaml')],
      stdin(),
      {
        maxBytes: 100,
        maxFiles: 10,
      },
    );
    expect(inputs).toHaveLength(1);
    expect(notes).toEqual([
      {
        level: 'error',
        file: join(dir, 'big.yaml'),
        message: 'file is larger than 100 bytes; split it',
      },
    ]);
  });

  it('stops at the file count limit', async () => {
    const { inputs, notes } = await readInputs([join(dir, 'm')], stdin(), {
      maxBytes: 1000,
      maxFiles: 1,
    });
    expect(inputs).toHaveLength(1);
    expect(notes[0]?.message).toMatch(/more than 1 files/);
  });

  it('bounds standard input', async () => {
    const { inputs, notes } = await readInputs(['-'], stdin('x'.repeat(50)), {
      maxBytes: 10,
      maxFiles: 1,
    });
    expect(inputs).toEqual([]);
    expect(notes[0]).toMatchObject({ level: 'error', file: '-' });
    expect(await readBounded(stdin('hello'), 10)).toBe('hello');
  });
});
