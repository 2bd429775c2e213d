import { describe, expect, it } from 'vitest';
import { classifyLicense, classifyLicenses, conjoin, licenseRefFor } from './licenses.js';

describe('classifyLicense', () => {
  it.each([
    ['MIT', { kind: 'spdx', expression: 'MIT', simple: true }],
    ['  Apache-2.0 ', { kind: 'spdx', expression: 'Apache-2.0', simple: true }],
    ['mit', { kind: 'spdx', expression: 'MIT', simple: true }],
    ['apache-2.0 or mit', { kind: 'spdx', expression: 'Apache-2.0 OR MIT', simple: false }],
    ['GPL-2.0+', { kind: 'spdx', expression: 'GPL-2.0+', simple: true }],
    ['GPL-2.0-or-later WITH Classpath-exception-2.0',
      { kind: 'spdx', expression: 'GPL-2.0-or-later WITH Classpath-exception-2.0', simple: false }],
    ['(MIT OR Apache-2.0)', { kind: 'spdx', expression: '(MIT OR Apache-2.0)', simple: false }],
    ['LicenseRef-acme', { kind: 'spdx', expression: 'LicenseRef-acme', simple: true }],
    ['GPL-2+', { kind: 'spdx', expression: 'GPL-2.0-or-later', simple: true }],
    ['GPL-2', { kind: 'spdx', expression: 'GPL-2.0-only', simple: true }],
    ['LGPL-2.1+', { kind: 'spdx', expression: 'LGPL-2.1+', simple: true }],
    ['lgpl-3+', { kind: 'spdx', expression: 'LGPL-3.0-or-later', simple: true }],
    ['AGPL-3', { kind: 'spdx', expression: 'AGPL-3.0-only', simple: true }],
    ['Expat', { kind: 'spdx', expression: 'MIT', simple: true }],
    ['Apache-2.0 or Expat', { kind: 'spdx', expression: 'Apache-2.0 OR MIT', simple: false }],
    ['BSD-3-clause and GPL-3+', {
      kind: 'spdx', expression: 'BSD-3-Clause AND GPL-3.0-or-later', simple: false,
    }],
    ['GPL-7+', { kind: 'text', text: 'GPL-7+' }],
    ['GPL-2+ with OpenSSL exception', { kind: 'text', text: 'GPL-2+ with OpenSSL exception' }],
    ['Artistic', { kind: 'text', text: 'Artistic' }],
    ['MIT License', { kind: 'text', text: 'MIT License' }],
    ['BSD', { kind: 'text', text: 'BSD' }],
    ['MIT AND', { kind: 'text', text: 'MIT AND' }],
    ['', undefined],
    ['   ', undefined],
  ])('classifies %j', (raw, expected) => {
    expect(classifyLicense(raw)).toEqual(expected);
  });

  it('drops empty and duplicate declarations, keeping order', () => {
    expect(classifyLicenses(['MIT', '', 'Artistic', 'MIT', 'mit'])).toEqual([
      { kind: 'spdx', expression: 'MIT', simple: true },
      { kind: 'text', text: 'Artistic' },
    ]);
  });
});

describe('licenseRefFor', () => {
  it.each([
    ['GPL-2+', 'LicenseRef-GPL-2-'],
    ['Public Domain', 'LicenseRef-Public-Domain-'],
    ['©®', 'LicenseRef-'],
  ])('makes a readable, valid, hashed id for %j', (text, prefix) => {
    const id = licenseRefFor(text);

    expect(id.startsWith(prefix)).toBe(true);
    expect(id).toMatch(/^LicenseRef-([A-Za-z0-9.-]+-)?[0-9a-f]{8}$/);
    expect(licenseRefFor(text)).toBe(id);
  });

  it('keeps different texts apart even when they clean up the same', () => {
    expect(licenseRefFor('GPL 2')).not.toBe(licenseRefFor('GPL/2'));
  });
});

describe('conjoin', () => {
  it.each([
    [['MIT'], 'MIT'],
    [['MIT', 'Apache-2.0'], 'MIT AND Apache-2.0'],
    [['MIT OR Apache-2.0', 'BSD-3-Clause'], '(MIT OR Apache-2.0) AND BSD-3-Clause'],
  ])('joins %j as %j', (parts, expected) => {
    expect(conjoin(parts)).toBe(expected);
  });
});
