import { describe, expect, it } from 'vitest';
import type { Inventory } from '../inventory/model.js';
import { bareInventory, sampleInventory } from './__tests__/sample-inventory.js';
import { formatTable, sanitize } from './table.js';

const ESC = '\u001b';
const ANSI = new RegExp(`${ESC}\\[`);

function lines(text: string): string[] {
  return text.split('\n');
}

describe('formatTable', () => {
  describe('when piped (no columns)', () => {
    const text = formatTable(sampleInventory(), { colour: false });

    it('starts with the image, OS and package counts, and ends with the summary', () => {
      const out = lines(text);

      expect(out[0]).toBe(
        'registry.example.com/payments/api:1.4.2 (sha256:eeeeeeeeeeee)  '
          + 'Debian GNU/Linux 12 (bookworm)  14 packages: '
          + 'apk 1, deb 4, golang 3, maven 1, npm 3, pypi 1, rpm 1',
      );
      expect(out.slice(-3)).toEqual([
        '14 packages in 6 targets, 4 layers, 1 warning',
        'warning DPKG_ENTRY_INVALID /var/lib/dpkg/status: '
          + 'skipped a status entry without a Version field',
        '',
      ]);
    });

    it('groups by target with OS packages first, and never truncates', () => {
      const out = lines(text);
      const titles = out.filter((l) => /^\S.* \(\d+\)$/.test(l) && !l.startsWith('registry'));

      expect(titles).toEqual([
        'OS packages (6)',
        '/app/lib/app.jar (1)',
        '/app/package-lock.json (2)',
        '/usr/lib/node_modules (1)',
        '/usr/lib/python3/dist-packages (1)',
        '/usr/local/bin/payments (3)',
      ]);
      expect(text).not.toContain('…');
      expect(out).toContain(
        'python3-yaml                         6.0-3+b2          deb/Debian   pyyaml 6.0-3   '
          + '1 RUN apt-get update && apt-get install -y --no-install-recommends '
          + 'python3-yaml ca-certificates',
      );
    });

    it('shows the source only when it differs, the layer step, and - without a layer', () => {
      const out = lines(text);

      expect(out).toContain(
        'NAME                                 VERSION           TYPE         SOURCE         LAYER',
      );
      expect(out).toContain(
        'libssl3                              3.0.11-1~deb12u2  deb/Debian   openssl        '
          + '0 ADD file:0a1b2c3d in /',
      );
      expect(out).toContain(
        'musl                                 1.2.4-r2          apk/Alpine                  '
          + '0 ADD file:0a1b2c3d in /',
      );
      expect(out).toContain(
        'golang.org/x/net                     v0.17.0           golang                      -',
      );
      expect(out).toContain(
        'stdlib                               go1.21.5          golang                      '
          + '3 sha256:dddddddddddd',
      );
    });

    it('has no trailing spaces and no ANSI codes', () => {
      expect(lines(text).filter((l) => l.endsWith(' '))).toEqual([]);
      expect(text).not.toMatch(ANSI);
    });
  });

  describe('when on a terminal', () => {
    it.each([80, 60, 40])('fits every line into %i columns', (columns) => {
      const out = lines(formatTable(sampleInventory(), { colour: false, columns }));

      expect(out.filter((l) => [...l].length > columns)).toEqual([]);
    });

    it('cuts the layer step first and keeps versions whole at 80 columns', () => {
      const out = lines(formatTable(sampleInventory(), { colour: false, columns: 80 }));

      expect(out).toContain(
        'libssl3                  3.0.11-1~deb12u2  deb/Debian   openssl     0 ADD file:…',
      );
      expect(out[0]).toBe(
        'registry.example.com/payments/api:1.4.2 (sha256:eeeeeeeeeeee)  Debian GNU/Linux…',
      );
    });

    it('leaves lines that fit untouched', () => {
      const wide = formatTable(sampleInventory(), { colour: false, columns: 400 });

      expect(wide).toBe(formatTable(sampleInventory(), { colour: false }));
    });

    it('colours headers bold and layer text dim only when asked', () => {
      const text = formatTable(sampleInventory(), { colour: true, columns: 200 });
      const out = lines(text);

      expect(out[0]?.startsWith(`${ESC}[1mregistry.example.com`)).toBe(true);
      expect(out[0]?.endsWith(`${ESC}[22m`)).toBe(true);
      expect(out).toContain('\u001b[1mOS packages (6)\u001b[22m');
      expect(text).toContain('\u001b[2m0 ADD file:0a1b2c3d in /\u001b[22m');
      expect(formatTable(sampleInventory(), { colour: false, columns: 200 })).not.toMatch(ANSI);
    });
  });

  it('neutralises terminal escapes hidden in package data', () => {
    const name = `evil${ESC}]0;pwned\u0007\u009b2J\u202e`;
    const inventory: Inventory = {
      ...bareInventory(),
      packages: [{ ...bareInventory().packages[0]!, name }],
    };
    const isControl = (c: string) => c < ' ' || (c >= '\u007f' && c <= '\u009f');

    const text = formatTable(inventory, { colour: false });

    expect([...text].filter((c) => c !== '\n' && isControl(c))).toEqual([]);
    expect(text).not.toContain('\u202e');
    expect(text).toContain('evil?]0;pwned??2J?  1.3.0');
  });

  it('renders an empty inventory with just the header and summary', () => {
    const empty: Inventory = {
      image: { reference: 'scratch', transport: 'dir', layers: [] },
      packages: [],
      warnings: [],
    };

    expect(formatTable(empty, { colour: false })).toBe(
      'scratch  unknown OS  0 packages\n\n0 packages in 0 targets, 0 layers\n',
    );
  });

  it.each([
    ['plain', 'plain'],
    ['tab\there', 'tab?here'],
    ['bidi\u2066x', 'bidi?x'],
  ])('sanitize(%j) is %j', (input, expected) => {
    expect(sanitize(input)).toBe(expected);
  });
});

describe('formatTable on a large inventory', () => {
  it('renders 200 000 packages without running out of call arguments', () => {
    const base = bareInventory();
    const template = base.packages[0]!;
    const packages = Array.from({ length: 200_000 }, (_, i) => ({ ...template, name: `pkg-${i}` }));

    const text = formatTable({ ...base, packages }, { colour: false, columns: 80 });

    expect(text).toContain('200000 packages in 1 targets, 0 layers');
  });
});
