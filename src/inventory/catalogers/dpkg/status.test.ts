import { describe, expect, it } from 'vitest';
import { parseCopyrightLicenses } from './copyright.js';
import { parseDpkgStatus } from './status.js';

const STANZAS = `Package: good
Status: install ok installed
Architecture: amd64
Source: goodsrc (1.0-1)
Version: 1.0-1+b2
Description: a package
 with a continuation line
 .
 and a paragraph

Package: removed
Status: deinstall ok config-files
Version: 2.0

Package: no-version
Status: install ok installed

this line is garbage
Package: held
Status: hold ok installed
Version: 3:4.5-6

Package: half
Status: install ok half-installed
Version: 1

Package: ../../etc/passwd
Status: install ok installed
Version: 1
`;

describe('parseDpkgStatus', () => {
  it('keeps installed packages and resolves their sources', () => {
    const { entries } = parseDpkgStatus(STANZAS, '/var/lib/dpkg/status');

    expect(entries).toEqual([
      {
        name: 'good',
        version: '1.0-1+b2',
        architecture: 'amd64',
        source: { name: 'goodsrc', version: '1.0-1' },
      },
      {
        name: 'held',
        version: '3:4.5-6',
        architecture: undefined,
        source: { name: 'held', version: '3:4.5-6' },
      },
    ]);
  });

  it('warns about malformed stanzas and lines with their path', () => {
    const { warnings } = parseDpkgStatus(STANZAS, '/var/lib/dpkg/status');

    const codes = warnings.map((w) => w.code).sort();
    expect(codes).toEqual([
      'DPKG_MALFORMED_LINE',
      'DPKG_MALFORMED_STANZA',
      'DPKG_MALFORMED_STANZA',
    ]);
    expect(warnings.every((w) => w.path === '/var/lib/dpkg/status')).toBe(true);
  });

  it('accepts status.d stanzas without Status', () => {
    const text = 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n';

    expect(parseDpkgStatus(text, '/var/lib/dpkg/status.d/base', false).entries).toHaveLength(1);
    expect(parseDpkgStatus(text, '/var/lib/dpkg/status', true).entries).toHaveLength(0);
  });

  it('uses the binary version for a Source without version', () => {
    const text = 'Package: libc6\nStatus: install ok installed\nSource: glibc\nVersion: 2.36-9\n';

    const source = parseDpkgStatus(text, 's').entries[0]?.source;
    expect(source).toEqual({ name: 'glibc', version: '2.36-9' });
  });

  it('stops at the stanza limit with a warning', () => {
    const text = 'Package: a\nStatus: install ok installed\nVersion: 1\n\n'.repeat(100_001);
    const result = parseDpkgStatus(text, 's');

    expect(result.entries).toHaveLength(100_000);
    expect(result.warnings.map((w) => w.code)).toEqual(['DPKG_TOO_MANY_STANZAS']);
  });
});

describe('parseCopyrightLicenses', () => {
  it('reads License short names from a DEP-5 file', () => {
    const text = [
      'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
      '',
      'Files: *',
      'License: GPL-2+ or Artistic',
      '',
      'License: GPL-2+',
      ' This program is free software...',
      '',
      'Files: x/*',
      'License: GPL-2+ or Artistic',
    ].join('\n');

    expect(parseCopyrightLicenses(text)).toEqual(['GPL-2+ or Artistic', 'GPL-2+']);
  });

  it('reads nothing from a free-form copyright file', () => {
    const text = 'This is the Debian prepackaged version.\nLicense: GPL\n';
    expect(parseCopyrightLicenses(text)).toEqual([]);
  });
});
