// Turns a decoded rpm header into a Package: `[EPOCH:]VERSION-RELEASE` as the version (the
// form rpm compares), the source package from SOURCERPM, and an rpm purl.
import type { Package } from '../../model.js';
import { buildPurl } from '../../purl.js';
import type { RpmDistro } from './distro.js';
import { type RpmHeader, TAG } from './header.js';

/** The package a header describes; undefined for gpg-pubkey entries and incomplete headers. */
export function toPackage(header: RpmHeader, distro: RpmDistro, path: string): Package | undefined {
  const text = (tag: number) => {
    const value = header.get(tag);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const name = text(TAG.name);
  const version = text(TAG.version);
  const release = text(TAG.release);
  // gpg-pubkey entries are imported signing keys, not software.
  const missing = name === undefined || version === undefined || release === undefined;
  if (missing || name === 'gpg-pubkey') {
    return undefined;
  }

  const epoch = header.get(TAG.epoch);
  const arch = text(TAG.arch);
  const metadata: Record<string, string> = {};
  for (const [key, value] of [['architecture', arch], ['vendor', text(TAG.vendor)]] as const) {
    if (value !== undefined) {
      metadata[key] = value;
    }
  }

  const license = text(TAG.license);
  const evr = `${typeof epoch === 'number' ? `${epoch}:` : ''}${version}-${release}`;
  return {
    name,
    version: evr,
    type: 'rpm',
    ecosystem: distro.ecosystem,
    purl: buildPurl({
      type: 'rpm',
      namespace: distro.vendor,
      name,
      version: `${version}-${release}`,
      qualifiers: {
        arch,
        epoch: typeof epoch === 'number' ? String(epoch) : undefined,
        distro: distro.qualifier,
      },
    }),
    source: parseSourceRpm(text(TAG.sourceRpm)),
    licenses: license === undefined ? [] : [license],
    locations: [{ path }],
    metadata,
  };
}

/** `openssl-3.0.7-24.el9.src.rpm` → `{ name: 'openssl', version: '3.0.7-24.el9' }`. */
export function parseSourceRpm(file: string | undefined) {
  const match = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(file ?? '');
  if (match?.[1] === undefined) {
    return undefined;
  }

  return { name: match[1], version: `${match[2]}-${match[3]}` };
}
